/**
 * Low-level pieces the formats, kernels and bindings share: vector species and byte loads, lane sums, memory
 * layouts, unscoped segment views and huge-page allocation. Separate so that they depend on nothing else in
 * {@code dev.specula.tensor} and can be used from every sub-package.
 */
package dev.specula.tensor.infra;
