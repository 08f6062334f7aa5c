/**
 * Export of compressed models: TF.js layers-model files (stock tf.loadLayersModel reads them) and
 * the compact "CSTU" file with its small loader, plus exact file sizes for the studio.
 */
export {
  exportSizes, sizesFromDeflated, deflatedLength, deflatedLengthsAsync, gzip9, zipFiles, ZIP_MTIME,
  type ExportFile, type ExportSizes, type FileSize, type OffThread,
} from './exportFiles';
export { exportTfjs, tfjsExportSizes, shardNames, DEFAULT_SHARD_BYTES, type TfjsExport, type TfjsExportOptions, type TfjsTensorInfo } from './tfjs';
export { tfjsWeight, firstTfjsMismatch, type TfjsStorage, type TfjsWeight } from './tfjsWeights';
export { encodeCompact, encodeCompactSized, compactBytes, type CompactOptions, type CompactSize } from './compact';
export { decodeCompact, parseCompactHeader, COMPACT_MAGIC, COMPACT_EXTENSION, COMPACT_VERSION, COMPACT_FORMAT, type CompactHeader, type CompactTensorInfo } from './compactFormat';
export { loadCompressedModel } from './loadCompressedModel';
