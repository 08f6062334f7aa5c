/** The bundled model catalog, public/models/catalog.json: which models ship and what they measure. */

/** `model`: path of model.json relative to public/; `dataset`: a data catalog id; `accuracy`: measured top-1 in [0, 1]. */
export interface CatalogModel {
  id: string;
  name: string;
  model: string;
  dataset: string;
  accuracy: number;
  description?: string;
}

export function parseModelCatalog(value: unknown): CatalogModel[] {
  if (!Array.isArray(value)) throw new Error('models/catalog.json: expected a list of models');
  return value.map((m: Partial<CatalogModel>, i) => {
    for (const key of ['id', 'name', 'model', 'dataset'] as const) {
      if (typeof m?.[key] !== 'string') throw new Error(`models/catalog.json: entry ${i} has no string "${key}"`);
    }
    if (typeof m.accuracy !== 'number' || m.accuracy < 0 || m.accuracy > 1) throw new Error(`models/catalog.json: ${m.id} has no accuracy in [0, 1]`);
    return m as CatalogModel;
  });
}
