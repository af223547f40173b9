/* ProcessPrng for Wine releases before 9.0, which lack bcryptprimitives.dll.
 * Rust's standard library (1.78+) takes its random numbers from it on Windows;
 * real Windows 10 and 11 have it. Only the Wine test of the Windows sidecar
 * uses this (crates/sidecar/tests/windows_build.rs); it is never shipped. */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk; len -= chunk;
    }
    return TRUE;
}
