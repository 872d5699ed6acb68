#include "solvers/lapack/stack.hpp"

#include "solvers/shell.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <link.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <utility>

namespace condbench::lapack {
namespace {

#if defined(__x86_64__)
constexpr const char* kLibDir = "/usr/lib/x86_64-linux-gnu/";
#elif defined(__aarch64__)
constexpr const char* kLibDir = "/usr/lib/aarch64-linux-gnu/";
#else
constexpr const char* kLibDir = "";  // no Debian multiarch folder known: shorthands are refused
#endif

// glibc 2.36 has 16 link-map namespaces (DL_NNS), the main program's included.
constexpr int kMaxNamespaces = 15;

struct Library {
  const char* word;     // "netlib"
  const char* file;     // below kLibDir
  const char* package;  // the Debian package that installs it
};

constexpr std::array<Library, 10> kBlas{{
    {"netlib", "blas/libblas.so.3", "libblas3"},
    {"openblas", "openblas-pthread/libblas.so.3", "libopenblas0-pthread"},
    {"openblas-pthread", "openblas-pthread/libblas.so.3", "libopenblas0-pthread"},
    {"openblas-openmp", "openblas-openmp/libblas.so.3", "libopenblas0-openmp"},
    {"openblas-serial", "openblas-serial/libblas.so.3", "libopenblas0-serial"},
    {"blis", "blis-pthread/libblas.so.3", "libblis4-pthread"},
    {"blis-pthread", "blis-pthread/libblas.so.3", "libblis4-pthread"},
    {"blis-openmp", "blis-openmp/libblas.so.3", "libblis4-openmp"},
    {"blis-serial", "blis-serial/libblas.so.3", "libblis4-serial"},
    {"atlas", "atlas/libblas.so.3", "libatlas3-base"},
}};

constexpr std::array<Library, 8> kLapack{{
    {"netlib", "lapack/liblapack.so.3", "liblapack3"},
    {"openblas", "openblas-pthread/liblapack.so.3", "libopenblas0-pthread"},
    {"openblas-pthread", "openblas-pthread/liblapack.so.3", "libopenblas0-pthread"},
    {"openblas-openmp", "openblas-openmp/liblapack.so.3", "libopenblas0-openmp"},
    {"openblas-serial", "openblas-serial/liblapack.so.3", "libopenblas0-serial"},
    {"atlas", "atlas/liblapack.so.3", "libatlas3-base"},
    {"flame", "libflame.so.1", "libflame1"},
    {"libflame", "libflame.so.1", "libflame1"},
}};

// A stack named after a shorthand needs no blas/lapack; a BLAS word without lapack brings this LAPACK word.
struct StackWords {
  const char* name;
  const char* blas;
  const char* lapack;
};
constexpr std::array<StackWords, 12> kStacks{{
    {"netlib", "netlib", "netlib"},
    {"openblas", "openblas-pthread", "openblas-pthread"},
    {"openblas-pthread", "openblas-pthread", "openblas-pthread"},
    {"openblas-openmp", "openblas-openmp", "openblas-openmp"},
    {"openblas-serial", "openblas-serial", "openblas-serial"},
    {"blis", "blis-pthread", "netlib"},
    {"blis-pthread", "blis-pthread", "netlib"},
    {"blis-openmp", "blis-openmp", "netlib"},
    {"blis-serial", "blis-serial", "netlib"},
    {"atlas", "atlas", "atlas"},
    {"flame", "blis-pthread", "flame"},
    {"libflame", "blis-pthread", "flame"},
}};

template <std::size_t N>
const Library* find_word(const std::array<Library, N>& table, const std::string& word) {
  for (const Library& l : table)
    if (word == l.word) return &l;
  return nullptr;
}

const StackWords* find_stack(const std::string& name) {
  for (const StackWords& s : kStacks)
    if (name == s.name) return &s;
  return nullptr;
}

template <std::size_t N>
std::vector<std::string> words(const std::array<Library, N>& table) {
  std::vector<std::string> v;
  for (const Library& l : table) v.emplace_back(l.word);
  return v;
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

bool is_path(const std::string& s) { return s.find('/') != std::string::npos; }

// A path, or a shorthand turned into its path under kLibDir.
template <std::size_t N>
std::string library_path(const std::array<Library, N>& table, const std::string& value, const char* key) {
  if (is_path(value)) return value;
  const Library* l = find_word(table, value);
  if (!l) {
    std::string hint = std::string(key) == "lapack" && value.rfind("blis", 0) == 0
                           ? " (BLIS has no LAPACK: use lapack = \"netlib\" or \"flame\")"
                           : " (or a path to a shared object)";
    throw StackSpecError(key, fmt::format("unknown {} '{}': known shorthands are {}{}", key, value,
                                          join(words(table)), hint));
  }
  if (!*kLibDir)
    throw StackSpecError(key, fmt::format("the shorthand '{}' needs Debian's multiarch library folder, unknown on "
                                          "this architecture: give a path", value));
  return std::string(kLibDir) + l->file;
}

// The Debian package of a shorthand's file, for the hint of a missing library.
std::string package_hint(const std::string& path) {
  for (const Library& l : kBlas)
    if (path == std::string(kLibDir) + l.file) return l.package;
  for (const Library& l : kLapack)
    if (path == std::string(kLibDir) + l.file) return l.package;
  return {};
}


// "libblis4-pthread 0.9.0-1": the Debian package that owns a file, with its version; empty off Debian. Some
// libraries say nothing of their version (BLIS's libblas.so.3, ATLAS): the package does.
std::string package_of(const std::string& path) {
  if (path.find('\'') != std::string::npos) return {};
  // A shorthand's package is known; searching dpkg's file lists takes a third of a second per file.
  std::string pkg = package_hint(path);
  std::error_code ec;
  for (const std::string& p : {path, std::filesystem::canonical(path, ec).string()}) {
    if (!pkg.empty() || p.empty()) break;
    std::string owner = capture_output("dpkg-query -S -- '" + p + "'");  // "libblis4-pthread:amd64: /usr/lib/..."
    std::size_t colon = owner.find(": ");
    if (!owner.empty() && colon != std::string::npos && owner.find('\n') == std::string::npos)
      pkg = owner.substr(0, colon);
  }
  if (pkg.empty()) return {};
  std::string version = capture_output("dpkg-query -W -f='${Version}' -- '" + pkg + "'");
  std::string bare = pkg.substr(0, pkg.find(':'));
  return version.empty() ? bare : bare + " " + version;
}

std::string object_of(const void* symbol) {
  Dl_info info{};
  if (!symbol || !dladdr(symbol, &info) || !info.dli_fname) return "none";
  return info.dli_fname;
}

// The thread-count variables the libraries read when they load. They are set in this process's environment
// around dlmopen, which hands the environment to the namespace's own libc; the process's linked OpenBLAS read its
// own long before, and nothing else runs while stacks load (study parsing).
class ThreadEnvironment {
 public:
  explicit ThreadEnvironment(int threads) {
    if (threads <= 0) return;
    const std::string n = std::to_string(threads);
    for (const char* var : {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "BLIS_NUM_THREADS"}) {
      const char* old = std::getenv(var);
      saved_.emplace_back(var, old ? std::optional<std::string>(old) : std::nullopt);
      setenv(var, n.c_str(), 1);
    }
  }
  ~ThreadEnvironment() {
    for (const auto& [var, old] : saved_)
      if (old)
        setenv(var, old->c_str(), 1);
      else
        unsetenv(var);
  }
  ThreadEnvironment(const ThreadEnvironment&) = delete;
  ThreadEnvironment& operator=(const ThreadEnvironment&) = delete;

 private:
  std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

std::mutex& load_mutex() {
  static std::mutex m;
  return m;
}
int& namespaces_opened() {
  static int n = 0;
  return n;
}

bool is_blas_routine(const std::string& r) {
  const std::string op = r.substr(1);
  return op == "trsm" || op == "syrk" || op == "gemv";
}

// dlmopen fails for want of a namespace (glibc 2.36 has 15 besides the main program's) or of static TLS for the
// new namespace's libc and libraries.
std::string namespace_limit_text(const StackSpec& s, const std::string& dl_error) {
  if (dl_error.find("static TLS") != std::string::npos)
    return fmt::format("stack '{}': the libraries of another link-map namespace do not fit in this process's static "
                       "TLS ({} namespaces open; dlmopen: {}): split the study, or start condbench with "
                       "GLIBC_TUNABLES=glibc.rtld.optional_static_tls=1048576",
                       s.name, namespaces_opened(), dl_error);
  return fmt::format("stack '{}': glibc allows {} link-map namespaces besides the main program's, all taken{}: at "
                     "most {} stacks run in one process; split the study",
                     s.name, kMaxNamespaces, dl_error.empty() ? "" : " (dlmopen: " + dl_error + ")", kMaxNamespaces);
}

}  // namespace

std::vector<std::string> blas_shorthands() { return words(kBlas); }
std::vector<std::string> lapack_shorthands() { return words(kLapack); }
std::vector<std::string> stack_shorthands() {
  std::vector<std::string> v;
  for (const StackWords& s : kStacks) v.emplace_back(s.name);
  return v;
}

StackSpec make_stack_spec(const std::string& name, const std::string& blas, const std::string& lapack, int threads,
                          const std::string& where) {
  if (name.empty()) throw StackSpecError("name", "a [[stack]] needs a non-empty 'name'");
  if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-") != std::string::npos)
    throw StackSpecError("name", fmt::format("stack name '{}' may use only letters, digits and _ . + - (it ends "
                                             "solver names: lapack.lu@{})",
                                             name, name));
  if (name == "linked")
    throw StackSpecError("name", "'linked' names the library condbench is linked with (lapack.lu): choose another");
  if (threads < 0) throw StackSpecError("threads", "'threads' must be >= 0 (0: the library's default)");
  StackSpec s;
  s.name = name;
  s.threads = threads;
  s.where = where;
  std::string blas_word = blas, lapack_word = lapack;
  if (blas_word.empty()) {
    const StackWords* w = find_stack(name);
    if (!w)
      throw StackSpecError("blas", fmt::format("stack '{}' needs 'blas' (a path or one of {}), unless it is named "
                                               "after a Debian stack ({})",
                                               name, join(blas_shorthands()), join(stack_shorthands())));
    blas_word = w->blas;
    if (lapack_word.empty()) lapack_word = w->lapack;
  } else if (lapack_word.empty() && !is_path(blas_word)) {
    if (const StackWords* w = find_stack(blas_word)) lapack_word = w->lapack;
  }
  s.blas = library_path(kBlas, blas_word, "blas");
  if (!lapack_word.empty()) s.lapack = library_path(kLapack, lapack_word, "lapack");
  return s;
}

Stack::Stack(StackSpec spec) : spec_(std::move(spec)), suffix_("@" + spec_.name) {}

std::string Stack::origin() const {
  return fmt::format("stack {}: {}{}", spec_.name, spec_.blas, spec_.lapack.empty() ? "" : " + " + spec_.lapack);
}

void Stack::load() const {
  std::lock_guard lock(mu_);
  if (!attempted_) load_locked();
  if (!error_.empty()) throw StackError(error_);
}

std::string Stack::unavailable() const {
  std::lock_guard lock(mu_);
  if (!attempted_) load_locked();
  return error_.empty() ? unavailable_ : error_;
}

void Stack::load_locked() const {
  attempted_ = true;
  std::lock_guard global(load_mutex());
  for (const std::string* f : {&spec_.blas, &spec_.lapack}) {
    if (f->empty() || std::filesystem::exists(*f)) continue;
    std::string pkg = package_hint(*f);
    unavailable_ = fmt::format("{}: no such file{}", *f, pkg.empty() ? "" : " (Debian package " + pkg + ")");
    return;
  }
  if (namespaces_opened() >= kMaxNamespaces) {
    error_ = namespace_limit_text(spec_, "");
    return;
  }
  auto failed = [&](const std::string& file) {
    const char* e = dlerror();
    std::string why = e ? e : "unknown dlmopen error";
    if (why.find("static TLS") != std::string::npos || why.find("no more namespaces") != std::string::npos)
      error_ = namespace_limit_text(spec_, why);
    else
      unavailable_ = fmt::format("cannot load {}: {}", file, why);
  };
  {
    ThreadEnvironment env(spec_.threads);
    blas_ = dlmopen(LM_ID_NEWLM, spec_.blas.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!blas_) return failed(spec_.blas);
    ++namespaces_opened();
    Lmid_t id = 0;
    dlinfo(blas_, RTLD_DI_LMID, &id);
    namespace_id_ = static_cast<long>(id);
    lapack_ = blas_;
    if (!spec_.lapack.empty()) {
      lapack_ = dlmopen(id, spec_.lapack.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!lapack_) return failed(spec_.lapack);
    }
  }

  // From here on the libraries run: on the stack's own thread, like every later call.
  thread_.run([&] { probe_loaded(); });
}

void Stack::probe_loaded() const {
  // ILAVER writes three integers: an ILP64 LAPACK writes 8 bytes each, the high halves of the pairs below.
  int version[3] = {0, 0, 0};
  if (auto ilaver = reinterpret_cast<void (*)(std::int32_t*, std::int32_t*, std::int32_t*)>(dlsym(lapack_, "ilaver_"))) {
    std::array<std::int32_t, 6> w;
    w.fill(-1);
    ilaver(&w[0], &w[2], &w[4]);
    if (w[1] != -1 || w[3] != -1 || w[5] != -1) {
      error_ = fmt::format("stack '{}': {} is a 64-bit-integer (ILP64) build; condbench calls LAPACK with 32-bit "
                           "integers: use the LP64 build of that library",
                           spec_.name, spec_.lapack.empty() ? spec_.blas : spec_.lapack);
      return;
    }
    version[0] = w[0], version[1] = w[2], version[2] = w[4];
  }
  auto config = reinterpret_cast<const char* (*)()>(dlsym(blas_, "openblas_get_config"));
  if (config && std::string(config()).find("USE64BITINT") != std::string::npos) {
    error_ = fmt::format("stack '{}': {} is a 64-bit-integer (ILP64) OpenBLAS ({}); condbench calls BLAS with 32-bit "
                         "integers: use the LP64 build",
                         spec_.name, spec_.blas, config());
    return;
  }
  resolve_routines();
  record_facts(version[0], version[1], version[2]);
}

void Stack::resolve_routines() const {
  // LAPACK routines from the LAPACK object, BLAS ones from the BLAS object: what a program linked with
  // -llapack -lblas in that order would call.
  auto find = [&](const std::string& r) {
    void* p = dlsym(is_blas_routine(r) ? blas_ : lapack_, (r + "_").c_str());
    if (!p) missing_.push_back(r + "_");
    return p;
  };
#define CONDBENCH_RESOLVE(r) api_.r = reinterpret_cast<decltype(api_.r)>(find(#r));
  CONDBENCH_LAPACK_ROUTINES(CONDBENCH_RESOLVE)
#undef CONDBENCH_RESOLVE
}

void Stack::record_facts(int major, int minor, int patch) const {
  std::vector<std::string> version;
  details_["openblas_config"] = nullptr;
  if (auto config = reinterpret_cast<const char* (*)()>(dlsym(blas_, "openblas_get_config"))) {
    version.emplace_back(config());
    details_["openblas_config"] = config();
  }
  if (major > 0) version.push_back(fmt::format("LAPACK {}.{}.{}", major, minor, patch));
  std::vector<std::string> packages;
  for (const std::string* f : {&spec_.blas, &spec_.lapack})
    if (!f->empty())
      if (std::string p = package_of(*f); !p.empty() && std::find(packages.begin(), packages.end(), p) == packages.end())
        packages.push_back(p);
  if (!packages.empty()) version.push_back(join(packages));

  const auto [threads, source] = apply_threads();
  facts_ = {{"stack", spec_.name},
            {"stack_version", join(version, "; ")},
            {"threads", threads},
            {"dgemm_from", object_of(dlsym(blas_, "dgemm_"))},
            {"dgetrf_from", object_of(reinterpret_cast<const void*>(api_.dgetrf))}};
  details_["lapack_version"] = major > 0 ? nlohmann::ordered_json(fmt::format("{}.{}.{}", major, minor, patch))
                                         : nlohmann::ordered_json(nullptr);
  details_["packages"] = packages;
  details_["threads_source"] = source;
}

// The environment at load set the count for the libraries that read it there (OpenBLAS, libgomp, BLIS); the
// calls below set it again where the library has a call for it, and the count is read back where it can be.
std::pair<int, std::string> Stack::apply_threads() const {
  auto symbol = [&](const char* name) {
    void* p = dlsym(blas_, name);
    return p ? p : dlsym(lapack_, name);
  };
  std::vector<std::string> set_by;
  if (spec_.threads > 0) {
    set_by.emplace_back("OPENBLAS_/OMP_/BLIS_NUM_THREADS at load");
    for (const char* setter : {"openblas_set_num_threads", "omp_set_num_threads", "bli_thread_set_num_threads"})
      if (auto set = reinterpret_cast<void (*)(int)>(symbol(setter))) {
        set(spec_.threads);
        set_by.emplace_back(setter);
      }
  }
  const std::string how = set_by.empty() ? "the library's default" : "set by " + join(set_by);
  for (const char* getter : {"openblas_get_num_threads", "bli_thread_get_num_threads", "omp_get_max_threads"})
    if (auto get = reinterpret_cast<int (*)()>(symbol(getter))) return {get(), how + "; read by " + getter};
  return {spec_.threads, how + "; not queryable"};
}

std::string Stack::unavailable_reason(std::span<const char* const> symbols) const {
  if (std::string why = unavailable(); !why.empty()) return fmt::format("stack '{}' is unavailable: {}", spec_.name, why);
  std::vector<std::string> lacking;
  for (const char* s : symbols)
    if (std::find(missing_.begin(), missing_.end(), s) != missing_.end()) lacking.emplace_back(s);
  if (lacking.empty()) return {};
  return fmt::format("stack '{}' has no {} ({})", spec_.name, join(lacking),
                     spec_.lapack.empty() ? spec_.blas + " alone: give the stack a 'lapack'" : spec_.lapack);
}

void Stack::annotate(SolverFacts& facts) const {
  for (const auto& [k, v] : facts_.items()) facts.extra[k] = v;
}

nlohmann::ordered_json Stack::describe() const {
  const std::string why = unavailable();
  nlohmann::ordered_json j;
  j["name"] = spec_.name;
  j["where"] = spec_.where;
  j["blas"] = spec_.blas;
  j["lapack"] = spec_.lapack.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(spec_.lapack);
  j["threads_requested"] = spec_.threads;
  j["available"] = why.empty();
  if (!why.empty()) {
    j["unavailable"] = why;
    return j;
  }
  j["namespace"] = namespace_id_;
  for (const auto& [k, v] : facts_.items())
    if (k != "stack") j[k] = v;
  for (const auto& [k, v] : details_.items()) j[k] = v;
  j["missing_routines"] = missing_;
  return j;
}

StackRegistry& StackRegistry::instance() {
  static StackRegistry r;
  return r;
}

Stack& StackRegistry::define(const StackSpec& spec) {
  std::lock_guard lock(mu_);
  for (const auto& s : stacks_) {
    if (s->spec().name != spec.name) continue;
    if (s->spec().same_as(spec)) return *s;
    throw std::invalid_argument(fmt::format(
        "stack '{}' is already defined differently in this process (at {}: blas {}, lapack {}, threads {})",
        spec.name, s->spec().where, s->spec().blas, s->spec().lapack.empty() ? "-" : s->spec().lapack,
        s->spec().threads));
  }
  stacks_.push_back(std::make_unique<Stack>(spec));
  return *stacks_.back();
}

Stack* StackRegistry::find(const std::string& name) const {
  std::lock_guard lock(mu_);
  for (const auto& s : stacks_)
    if (s->spec().name == name) return s.get();
  return nullptr;
}

std::vector<Stack*> StackRegistry::all() const {
  std::lock_guard lock(mu_);
  std::vector<Stack*> v;
  for (const auto& s : stacks_) v.push_back(s.get());
  return v;
}

}  // namespace condbench::lapack
