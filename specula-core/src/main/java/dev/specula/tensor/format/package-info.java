/**
 * One class per stored tensor format (F32, F16, BF16, the legacy block quants, the K-quants), each with its Java
 * kernels beside it, plus what only formats share (K-quant search and scratch, input rounding, half dots).
 * Separate from {@code dev.specula.tensor} so that the public API package lists what callers use, not the
 * dozens of layouts behind {@link dev.specula.tensor.TensorFormat}.
 */
package dev.specula.tensor.format;
