import { describe, expect, it } from 'vitest';
import { findCatalogData, isDataDrop, labelImages } from './userData';

describe('isDataDrop', () => {
  it('tells images and .u8 data from model files', () => {
    expect(isDataDrop(['digits/0/a.png', 'digits/1/b.JPG'])).toBe(true);
    expect(isDataDrop(['data.json', 'images.u8'])).toBe(true);
    expect(isDataDrop(['model.json', 'group1-shard1of1.bin'])).toBe(false);
    expect(isDataDrop(['m/model.json', 'm/preview.png'])).toBe(false);
    expect(isDataDrop(['notes.txt'])).toBe(false);
  });
});

describe('labelImages', () => {
  it('reads numeric class folders under a dropped folder as output indices', () => {
    const l = labelImages(['digits/7/b.png', 'digits/0/a.png', 'digits/7/a.png'], 10);
    expect(l.root).toBe('digits');
    expect(l.paths).toEqual(['digits/0/a.png', 'digits/7/a.png', 'digits/7/b.png']);
    expect(Array.from(l.labels ?? [])).toEqual([0, 7, 7]);
    expect(l.classes).toHaveLength(10);
  });

  it('takes named folders in sorted order when there is one per class', () => {
    const l = labelImages(['cat/1.png', 'dog/2.png', 'bird/3.png'], 3);
    expect(l.root).toBeUndefined();
    expect(l.classes).toEqual(['bird', 'cat', 'dog']);
    expect(Array.from(l.labels ?? [])).toEqual([0, 1, 2]);
    expect(l.notes.join()).toMatch(/0 = bird, 1 = cat, 2 = dog/);
  });

  it('treats a flat folder as unlabelled', () => {
    const l = labelImages(['shots/a.png', 'shots/b.png'], 10);
    expect(l.labels).toBeUndefined();
    expect(l.classes).toEqual([]);
    expect(l.notes[0]).toMatch(/fidelity/);
    expect(labelImages(['a.png'], 10).labels).toBeUndefined();
  });

  it('leaves out loose images next to class folders, and says so', () => {
    const l = labelImages(['d/0/a.png', 'd/1/b.png', 'd/stray.png'], 10);
    expect(l.paths).toEqual(['d/0/a.png', 'd/1/b.png']);
    expect(l.notes[0]).toMatch(/1 image outside any class folder left out \(d\/stray.png\)/);
  });

  it('says how to name folders when they cannot match the model', () => {
    expect(() => labelImages(['x/cat/1.png', 'x/dog/2.png'], 10)).toThrow(/found 2 class folders \(cat, dog\) but the model outputs 10 classes: name the folders by output index \(0 … 9\)/);
    expect(() => labelImages(['x/12/1.png', 'x/3/2.png'], 10)).toThrow(/found 2 class folders/);
    expect(() => labelImages([], 10)).toThrow(/no image files/);
    // Labels are bytes: a 1000-class model gets fidelity from a flat folder, and a clear refusal for class folders.
    expect(() => labelImages(['x/300/1.png', 'x/7/2.png'], 1000)).toThrow(/outputs 1000 classes; labels are stored as bytes/);
    expect(labelImages(['x/1.png'], 1000).labels).toBeUndefined();
  });
});

describe('findCatalogData', () => {
  const entry = { id: 'mine', name: 'Mine', split: 'val', count: 2, shape: [2, 2, 1], classes: ['a', 'b'], images: 'data/img.u8', labels: 'data/lab.u8', scale: 1 / 255 };
  const text = (o: unknown) => () => JSON.stringify(o);

  it('finds the entry and its files by name', () => {
    const d = findCatalogData(['drop/mine.json', 'drop/img.u8', 'drop/lab.u8'], text(entry));
    expect(d?.entry.id).toBe('mine');
    expect(d?.imagesFile).toBe('drop/img.u8');
    expect(d?.labelsFile).toBe('drop/lab.u8');
  });

  it('takes the val split of a catalog list, and an entry without labels as unlabelled', () => {
    const list = [{ ...entry, id: 't', split: 'train', images: 't.u8' }, { ...entry, id: 'v', labels: undefined }];
    const d = findCatalogData(['c.json', 't.u8', 'img.u8'], text(list));
    expect(d?.entry.id).toBe('v');
    expect(d?.labelsFile).toBeUndefined();
  });

  it('names the missing file or the bad field', () => {
    expect(findCatalogData(['img.u8'], text(entry))).toBeUndefined();
    expect(() => findCatalogData(['mine.json', 'img.u8'], text(entry))).toThrow(/names the labels file data\/lab.u8, which was not dropped/);
    expect(() => findCatalogData(['mine.json'], text(entry))).toThrow(/mine.json: its images file \(data\/img.u8\) was not dropped/);
    expect(() => findCatalogData(['mine.json', 'img.u8'], () => '{nope')).toThrow(/mine.json is not valid JSON/);
    expect(() => findCatalogData(['mine.json', 'img.u8'], text({ ...entry, scale: 0 }))).toThrow(/mine.json: entry mine: "scale" must be a positive number/);
  });
});
