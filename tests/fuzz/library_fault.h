#pragma once
// The results fuzz targets' answer to an AddressSanitizer report that libhdf5 itself causes in
// the reader's forked child (results/isolated_read.h). libhdf5 is not instrumented: ASan sees its
// faults only in the interceptors it calls (memcpy with size -1 on a corrupt global heap, say).
// asan_hdf5.supp suppresses most of them, but not the size checks that ASan makes before any
// suppression (negative-size-param). In the child, a report raised inside an interceptor that
// libhdf5 called directly ends the child by SIGSEGV, as the same fault does without ASan, so the
// reader refuses the file; every other report (hopelab's own code, an interceptor it called)
// stands and fails the target.

#if defined(__SANITIZE_ADDRESS__)
#define HOPELAB_FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOPELAB_FUZZ_ASAN 1
#endif
#endif

#ifdef HOPELAB_FUZZ_ASAN
#include <dlfcn.h>
#include <execinfo.h>
#include <link.h>
#include <pthread.h>
#include <sanitizer/common_interface_defs.h>

#include <csignal>
#include <cstdint>
#include <cstring>
#include <string>

namespace hopelab::fuzz {

// The exported symbol whose extent holds return address `pc`, or "" (code of the executable that
// is not exported: ASan's internals, hopelab's own functions).
inline std::string exported_symbol(void* pc, void** start) {
  Dl_info info{};
  void* entry = nullptr;  // dladdr1 gives the ELF symbol table entry
  if (dladdr1(pc, &info, &entry, RTLD_DL_SYMENT) == 0 || !info.dli_sname || !entry) return "";
  const auto* symbol = static_cast<const ElfW(Sym)*>(entry);
  const auto begin = reinterpret_cast<std::uintptr_t>(info.dli_saddr);
  if (reinterpret_cast<std::uintptr_t>(pc) >= begin + symbol->st_size) return "";  // past the nearest symbol
  *start = info.dli_saddr;
  return info.dli_sname;
}

// Whether `name` (at `start`) is one of ASan's interceptors, found under its own name or under
// the libc name it is an alias of.
inline bool is_interceptor(const std::string& name, void* start) {
  if (name.find("__interceptor_") != std::string::npos) return true;
  for (const char* prefix : {"__interceptor_", "___interceptor_"}) {
    if (dlsym(RTLD_DEFAULT, (prefix + name).c_str()) == start) return true;
  }
  return false;
}

inline bool in_libhdf5(void* pc) {
  Dl_info info{};
  return dladdr(pc, &info) != 0 && info.dli_fname && std::strstr(info.dli_fname, "libhdf5") != nullptr;
}

// ASan's death callback in a forked child. Frame 0 is backtrace's own interceptor; below it ASan's
// unexported internals, then the first exported symbol: the interceptor that found the fault, or
// __asan_report_* for a fault in instrumented code. Only an interceptor whose caller is libhdf5
// is the library's fault.
inline void on_death_in_child() {
  void* frames[128];
  const int n = backtrace(frames, 128);
  for (int i = 1; i + 1 < n; ++i) {
    void* start = nullptr;
    const std::string name = exported_symbol(frames[i], &start);
    if (name.empty()) continue;
    if (is_interceptor(name, start) && in_libhdf5(frames[i + 1])) {
      std::signal(SIGSEGV, SIG_DFL);
      std::raise(SIGSEGV);
    }
    return;
  }
}

inline void watch_children_for_library_faults() {
  pthread_atfork(nullptr, nullptr, [] { __sanitizer_set_death_callback(on_death_in_child); });
}

}  // namespace hopelab::fuzz

#else

namespace hopelab::fuzz {
inline void watch_children_for_library_faults() {}
}  // namespace hopelab::fuzz

#endif
