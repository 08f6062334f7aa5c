import type { Page } from '@playwright/test';

/** The Recover card: fine-tune with labels or distill from the original, on which data, and the live training curve. */
export class RecoverPanel {
  constructor(readonly page: Page) {}
  card = () => this.page.getByRole('group', { name: 'Recover', exact: true });
  toggle = () => this.page.getByRole('checkbox', { name: 'Recover', exact: true });
  method = (name: 'Fine-tune with labels' | 'Distill from the original') => this.card().getByRole('radio', { name, exact: true });
  data = () => this.card().getByRole('combobox', { name: 'Training data', exact: true });
  epochs = () => this.card().getByRole('slider', { name: 'Epochs', exact: true });
  learningRate = () => this.card().getByRole('combobox', { name: 'Learning rate', exact: true });
  temperature = () => this.card().getByRole('slider', { name: 'Temperature T', exact: true });
  alpha = () => this.card().getByRole('slider', { name: 'Label weight α', exact: true });
  targets = () => this.card().getByRole('combobox', { name: 'Targets', exact: true });
  /** The note that the training data is the data the figures are measured on. */
  sameDataWarning = () => this.card().getByTestId('recover-same-data');
  /** The live curve (a drawing: data-points, data-finished and the last data-agreement / data-loss hold what it shows). */
  curve = () => this.page.getByRole('figure', { name: 'Training curve', exact: true });
  async enable() { await this.toggle().check(); }
  /** Picks a folder with "Add a folder to train on…", as a person would in the folder dialog. */
  async addFolder(path: string) {
    const [chooser] = await Promise.all([this.page.waitForEvent('filechooser'), this.card().getByRole('button', { name: 'Add a folder to train on…', exact: true }).click()]);
    await chooser.setFiles(path);
  }
  /** The number of reports the curve draws. */
  async curvePoints() { return Number(await this.curve().getAttribute('data-points')); }
}
