// Runtime CPU dispatch for the hot loops: functions marked RP_MCE_CLONES are compiled twice,
// for AVX2 and for the baseline, and the loader picks one (GCC target_clones, ifunc). The
// baseline build is always present and tested on any x86-64.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(RP_MCE_NO_CLONES)
#define RP_MCE_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RP_MCE_CLONES
#endif
