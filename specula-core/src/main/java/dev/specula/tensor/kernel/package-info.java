/**
 * The Java kernels that run a {@link dev.specula.tensor.Matrix} product across formats: routing to the right
 * kernel ({@code Product}), the shared tiled loop ({@code MatMul}) and the kernels on repacked weights with their
 * inputs. Separate from the formats because they serve several formats at once and own the threading. Beside them,
 * llama.cpp's tiled flash attention ({@code TiledAttention}), which the language model and the vision tower share.
 */
package dev.specula.tensor.kernel;
