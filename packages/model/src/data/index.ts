/** The data pipeline's public surface: sines, CSV, scaling, windows and `prepareData`. */
export { DataError, DataErrorCode } from './errors.js';
export { generateSines, type SinesOptions } from './sines.js';
export { parseNumericCsv, loadNumericCsv, type NumericTable, type CsvOptions } from './csv.js';
export { fitMinMax, identityScaler, applyScaler, invertScaler } from './scaler.js';
export { slidingWindows, seededPermutation, selectWindows, shuffleWindows, splitWindows } from './windows.js';
export { prepareData } from './prepare.js';
export { findSharedDataset, DATASETS_DIR_ENV } from './shared-datasets.js';
export { parseLabelColumn, loadLabelColumn, windowLabels, type LabelColumn } from './labels.js';
