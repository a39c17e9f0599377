/*
 * Specula's optional native kernels: the library's entry for the CPU level. The products live beside it
 * (specula_q4_0.c, specula_q8_0.c, specula_kquants.c), each in llama.cpp's order; this file only tells
 * dev.specula.tensor.ffi.NativeKernels which instruction level this CPU has.
 *
 * Built by the Maven build with the system C compiler when there is one (see specula-core/pom.xml),
 * without -march: each kernel carries its own target attribute and specula_cpu_level picks one at run time.
 *
 * Until 2026-12-07 this file also held a kernel in its own order (specula_matmul_rows, specula_repack and
 * specula_avx2.inc), which no product routed to once every native product ran in llama.cpp's order.
 */
#include "specula_common.h"

int specula_cpu_level(void) {
    return best_level();
}
