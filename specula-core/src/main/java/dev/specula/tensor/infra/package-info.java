/**
 * Low-level pieces the formats, kernels and bindings share: vector species and byte loads, lane sums, memory
 * layouts, unscoped segment views, huge-page allocation, and ggml's vector exp, whose exact bits llama.cpp's
 * results depend on. Separate so that they depend on nothing else in
 * {@code dev.specula.tensor} and can be used from every sub-package.
 */
package dev.specula.tensor.infra;
