/* bcryptprimitives.dll for Wine 8, which lacks it: Rust's std (in this addon,
   and in rollup's binary that vitest loads) takes its random seeds from
   ProcessPrng. RtlGenRandom (advapi32's SystemFunction036) gives the same. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!SystemFunction036(data, n)) return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}
