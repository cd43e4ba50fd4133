#ifndef FACEPIPE_COPENBLAS_SHIM_H
#define FACEPIPE_COPENBLAS_SHIM_H
#include <cblas.h>
// OpenBLAS threads are managed by the engine (it splits work itself).
void openblas_set_num_threads(int num_threads);
#endif
