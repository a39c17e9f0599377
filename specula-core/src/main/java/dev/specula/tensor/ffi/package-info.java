/**
 * Bindings to the bundled native kernels (FFM downcalls, found by symbol name) and the quantized inputs laid out
 * for them. Separate because it is the one place that loads a library and touches native memory layouts; when the
 * library is missing or refused, everything else still runs in Java.
 */
package dev.specula.tensor.ffi;
