import { describe, expect, it } from 'vitest';
import type { DatasetEntry } from '../model/dataset';
import { exampleInputShape, loadSnippets } from './snippet';

const cifar: DatasetEntry = { id: 'user-4', name: 'shots (your data)', dataset: 'user-4', split: 'val', count: 12, shape: [32, 32, 3], classes: [], images: 'x', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const mnist: DatasetEntry = { id: 'mnist-val', name: 'MNIST (validation)', dataset: 'mnist', split: 'val', count: 2000, shape: [28, 28, 1], classes: [], images: 'x', scale: 1 / 255 };

describe('load snippets', () => {
  it('use the model\'s own input shape, batch 1 — not MNIST\'s', () => {
    const { tfjs, compact } = loadSnippets({ inputShape: [-1, 32, 32, 3] }, cifar);
    expect(tfjs).toContain('tf.zeros([1, 32, 32, 3])');
    expect(compact).toContain('tf.zeros([1, 32, 32, 3])');
    expect(tfjs).not.toContain('28');
    expect(loadSnippets({ inputShape: [null as unknown as number, 784] }, mnist).tfjs).toContain('tf.zeros([1, 784])');
  });

  it('say what preprocessing the data set used, with its numbers', () => {
    const { tfjs } = loadSnippets({ inputShape: [-1, 32, 32, 3] }, cifar);
    expect(tfjs).toContain('shots (your data) was measured with input = (byte × 0.00392157 − [0.485, 0.456, 0.406]) ÷ [0.229, 0.224, 0.225]');
    expect(tfjs).toContain('fromPixels(img, 3).resizeBilinear([32, 32])');
    expect(loadSnippets({ inputShape: [-1, 28, 28, 1] }, mnist).tfjs).toContain('input = (byte × 0.00392157 − 0) ÷ 1');
  });

  it('load a graph model with loadGraphModel, a layers model with loadLayersModel', () => {
    expect(loadSnippets({ inputShape: [-1, 28, 28, 1], format: 'graph-model' }, mnist).tfjs).toContain("tf.loadGraphModel('model/model.json')");
    expect(loadSnippets({ inputShape: [-1, 28, 28, 1] }, mnist).tfjs).toContain("tf.loadLayersModel('model/model.json')");
  });

  it('fill unknown dimensions from the data set, or say they are free', () => {
    expect(exampleInputShape([-1, -1, -1, 3], [64, 48, 3])).toEqual({ shape: [1, 64, 48, 3], unknown: [] });
    expect(exampleInputShape([-1, -1, 10], [28, 28, 1])).toEqual({ shape: [1, 1, 10], unknown: [1] });
    expect(loadSnippets({ inputShape: [-1, -1, 10] }, mnist).tfjs).toContain('any size in dimension 1');
  });
});
