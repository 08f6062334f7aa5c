/**
 * Public API of the compression core: pure functions on Float32Array + shape, no TF.js,
 * React or DOM, so they run the same in a worker, in Node and in tests.
 */
export { sizeOf, checkShape, assertFinite, axisLayout, normalizeAxis, matrixView, type Shape, type AxisLayout } from './tensor';
export { createRng, randomNormal, shuffledIndices, type Rng } from './random';
export { selectMagnitude, maskSmallestMagnitude, type MagnitudeSelection } from './select';
export { sortFloat32 } from './sort';
export { pruneCount, applyMask, pruneByScores, type PruneResult } from './prune/mask';
export { pruneMagnitude, pruneMagnitudeGlobal, type MagnitudeOptions, type TensorInput } from './prune/magnitude';
export { pruneNM, type NMOptions } from './prune/nm';
export { channelScores, pruneChannels, type ChannelNorm, type ChannelPruneResult } from './prune/structured';
export { taylorScores, taylorChannelScores, pruneTaylor, type TensorWithGradient } from './prune/gradient';
export { quantizeUniform, dequantizeUniform, exactScale, type QuantOptions, type QuantResult, type QuantScheme } from './quant/uniform';
export { searchRange, gridError, type RangeSearchOptions, type RangeSearchResult } from './quant/rangeSearch';
export { snapCodebookToGrid, toTfjsQuantization, type TfjsQuantization } from './quant/tfjs';
export { float32BitsToFloat16Bits, float16BitsToFloat32Bits, toFloat16Bits, fromFloat16Bits, float32ToFloat16Array, float16ToFloat32Array } from './quant/float16';
export { kmeans1d, MONOTONE_K, type KMeansOptions, type KMeansResult } from './cluster/kmeans1d';
export { svdJacobi, type Svd } from './lowrank/jacobi';
export { svdRandomized, type RandomizedSvdOptions } from './lowrank/randomized';
export { truncatedSvd, lowRankConv, type LowRankOptions, type LowRankResult } from './lowrank/svd';
export { bitsFor, varintBytes, packedBytes, ByteWriter, ByteReader } from './coding/bits';
export { huffmanCodeLengths, canonicalCodes, huffmanBitLength, huffmanEncode, huffmanDecode } from './coding/huffman';
export { relativeIndexEncode, relativeIndexDecode, relativeIndexEntries, csrEncode, csrDecode, relativeIndexBytes, csrIndexBytes } from './coding/sparse';
export { encodeTensor, encodedTensorBytes, planTensorRecord, decodeTensor, quantPayload, clusterPayload, type DecodedTensor, type TensorPayload, type RecordOptions, type RecordPlan } from './coding/tensorRecord';
export type { CodebookGrid } from './coding/tensorPlan';
export { crc32 } from './coding/crc32';
