// Types for jsfive 0.4 (a pure-JavaScript HDF5 reader, no types of its own): the part we use.
declare module 'jsfive' {
  /** A group or the file: children by name, attributes by name. */
  export class Group {
    readonly keys: string[];
    readonly attrs: Record<string, unknown>;
    readonly name: string;
    /** The child at a path relative to this group; throws (a string) when absent. */
    get(path: string): Group | Dataset;
  }
  /** An HDF5 file read from bytes held in memory. */
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename: string);
  }
  /** A dataset: its shape, its numpy-style dtype (e.g. "<f4") and its elements, row-major. */
  export class Dataset {
    readonly shape: number[];
    readonly dtype: string | unknown[];
    readonly attrs: Record<string, unknown>;
    readonly name: string;
    readonly value: ArrayLike<number | bigint>;
  }
}
