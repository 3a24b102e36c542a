// See session.h; the byte layout is docs/session_format.md. Sections (grep for "//----"):
//   hash       the data's fingerprint
//   write      serialize (little-endian, no padding) and the atomic save
//   read       a bounds-checked reader; version, checksum, then every field against the budgets
//   csv        the loss history
#include "io/checksum.h"
#include "train/session.h"

#include <zlib.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "io/errors.h"
#include "io/file_input.h"
#include "io/file_write.h"

namespace {

constexpr char kMagic[8] = {'L', 'L', 'S', 'E', 'S', 'S', 'N', 0};
// 2 adds the critic's loss (ACAI) to every loss record; 3 adds the early-stop record. 1 and 2 are still
// read (with no early-stop record: nothing recorded yet).
constexpr uint32_t kVersion = 3;
constexpr int kMaxSessionModels = 8;
constexpr uint32_t kMaxStringBytes = 1 << 16;
constexpr uint64_t kMaxHistoryPoints = uint64_t(1) << 24;
constexpr uint32_t kMaxSessionEvents = 1 << 16;
constexpr uint32_t kMaxViewEntries = 1 << 12;
// Per model at most the network and its guard's copy (each a .llnet of at most the parameter
// budget), Adam's two moments; the order, history and the rest fit in the margin.
constexpr uint64_t kMaxSessionBytes =
    uint64_t(kMaxSessionModels) * 4 * 4 * kMaxNetworkParameters + (uint64_t(1) << 30);

//---- hash -------------------------------------------------------------------------------------

struct Fnv {
  uint64_t h = 0xcbf29ce484222325ull;
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ull;
  }
  template <typename V>
  void value(V v) {
    bytes(&v, sizeof v);
  }
};

//---- write ------------------------------------------------------------------------------------

struct Writer {
  std::vector<uint8_t> out;
  template <typename V>
  void put(V v) {
    const size_t at = out.size();
    out.resize(at + sizeof v);
    std::memcpy(out.data() + at, &v, sizeof v);
  }
  void str(const std::string& s) {
    put(uint32_t(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  void blob(const std::vector<uint8_t>& b) {
    put(uint64_t(b.size()));
    out.insert(out.end(), b.begin(), b.end());
  }
  void floats(const std::vector<float>& v) {
    put(uint64_t(v.size()));
    const size_t at = out.size();
    out.resize(at + v.size() * 4);
    if (!v.empty()) std::memcpy(out.data() + at, v.data(), v.size() * 4);
  }
  void points(const std::vector<LossPoint>& v) {
    put(uint64_t(v.size()));
    for (const LossPoint& p : v) {
      put(int64_t(p.step));
      put(p.epoch);
      put(p.parts.total);
      put(p.parts.recon);
      put(p.parts.penalty);
      put(p.parts.critic);
    }
  }
};

bool all_finite(const std::vector<float>& v) {
  float acc = 0;
  for (float x : v) acc += x * 0.0f;
  return acc == 0.0f;
}

//---- read -------------------------------------------------------------------------------------

struct Reader {
  const uint8_t* p;
  const uint8_t* end;
  const std::string& name;
  uint32_t version;  // 1 has no critic's loss in its loss records
  [[noreturn]] void bad(const std::string& what) const {
    throw InputError(name + ": damaged session file: " + what);
  }
  template <typename V>
  V get(const char* what) {
    if (size_t(end - p) < sizeof(V)) bad(std::string("it ends inside the ") + what);
    V v;
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
  }
  uint64_t count(const char* what, uint64_t max, uint64_t bytes_each) {
    const uint64_t n = get<uint64_t>(what);
    if (n > max || n * bytes_each > uint64_t(end - p))
      bad(std::string("bad ") + what + " " + std::to_string(n));
    return n;
  }
  std::string str(const char* what) {
    const uint32_t n = get<uint32_t>(what);
    if (n > kMaxStringBytes || n > uint64_t(end - p)) bad(std::string("bad length of the ") + what);
    std::string s(reinterpret_cast<const char*>(p), n);
    p += n;
    return s;
  }
  Network network(const char* what) {
    const uint64_t n = count(what, ~uint64_t(0), 1);
    const Network net = network_parse(p, size_t(n), name + " (" + what + ")");
    p += n;
    return net;
  }
  std::vector<float> floats(const char* what, uint64_t expected) {
    const uint64_t n = count(what, kMaxNetworkParameters, 4);
    if (n != expected) bad(std::string("the ") + what + " holds " + std::to_string(n) + " values, expected " +
                           std::to_string(expected));
    std::vector<float> v(static_cast<size_t>(n));
    if (n) std::memcpy(v.data(), p, size_t(n) * 4);
    p += n * 4;
    return v;
  }
  std::vector<LossPoint> points(const char* what) {
    const uint64_t n = count(what, kMaxHistoryPoints, version >= 2 ? 8 * 6 : 8 * 5);
    std::vector<LossPoint> v(static_cast<size_t>(n));
    for (LossPoint& lp : v) {
      lp.step = get<int64_t>(what);
      lp.epoch = get<double>(what);
      lp.parts.total = get<double>(what);
      lp.parts.recon = get<double>(what);
      lp.parts.penalty = get<double>(what);
      if (version >= 2) lp.parts.critic = get<double>(what);
    }
    return v;
  }
};

}  // namespace

uint64_t session_data_hash(const Dataset& d) {
  Fnv f;
  f.value(int32_t(d.width));
  f.value(int32_t(d.height));
  f.value(int32_t(d.channels));
  f.value(int32_t(d.count));
  f.value(int32_t(d.train_count));
  f.bytes(d.pixels.data(), d.pixels.size());
  if (d.values.size() > 0) f.bytes(d.values.data(), size_t(d.values.size()) * sizeof(float));
  for (int l : d.labels) f.value(int32_t(l));
  return f.h;
}

std::vector<uint8_t> session_serialize(const Session& s) {
  Writer w;
  for (char c : kMagic) w.put(c);
  w.put(kVersion);
  w.put(s.data_hash);
  w.str(s.data.source);
  w.str(s.data.labels_path);
  w.put(int32_t(s.data.train_count));
  w.put(int32_t(s.data.count));
  w.put(uint64_t(s.data.seed));
  w.put(int32_t(s.data.image_size));
  w.put(uint8_t(s.data.rgb ? 1 : 0));
  w.str(s.data.csv_label_column);
  w.str(choice_name(s.data.csv_scaling));
  w.put(int32_t(s.batch));
  w.put(int64_t(s.step));
  w.put(int32_t(s.epoch));
  w.put(int32_t(s.cursor));
  w.put(s.order_rng);
  w.put(uint64_t(s.order.size()));
  for (int i : s.order) w.put(int32_t(i));
  w.put(s.epoch_loss_sum);
  w.put(int64_t(s.epoch_kept));
  w.put(uint8_t(s.early_stopped ? 1 : 0));
  w.put(uint32_t(s.models.size()));
  for (const SessionModel& m : s.models) {
    w.blob(network_serialize(m.network));
    const OptimizerConfig& o = m.optimizer;
    w.put(int32_t(o.kind));
    for (float f : {o.lr, o.momentum, o.beta1, o.beta2, o.eps, o.clip_norm}) w.put(f);
    const ModelTrainingState& st = m.state;
    w.put(int64_t(st.step));
    w.put(int64_t(st.adam_t));
    w.put(st.rng);
    w.put(st.eval_rng);
    w.put(st.dropout_rng);
    w.floats(st.m);
    w.floats(st.v);
    w.blob(network_serialize(m.guard.good));
    w.put(int64_t(m.guard.good_step));
    w.put(int64_t(m.guard.last_rollback_step));
    w.put(int32_t(m.guard.rollback_streak));
    w.put(int64_t(m.guard.rollbacks));
    const CollapseWatch& c = m.collapse;
    w.put(c.peak_spread);
    w.put(c.best_loss);
    w.put(c.average_loss);
    w.put(int32_t(c.checks));
    w.put(int32_t(c.stalled_checks));
    w.put(uint8_t(c.warned ? 1 : 0));
    w.points(m.history.train);
    w.points(m.history.test);
    w.put(int32_t(m.record_every));
    w.put(int32_t(m.loss_count));
    w.put(m.loss_sum.total);
    w.put(m.loss_sum.recon);
    w.put(m.loss_sum.penalty);
    w.put(m.loss_sum.critic);
    const EarlyStopping& es = m.early;
    w.put(int32_t(es.patience));
    w.put(int32_t(es.best_epoch));
    w.put(int64_t(es.best_step));
    w.put(es.best_loss);
    w.put(int32_t(es.last_epoch));
    w.put(es.last_loss);
    w.put(int32_t(es.patience_from));
    w.blob(es.best_epoch > 0 ? network_serialize(es.best) : std::vector<uint8_t>{});
  }
  w.put(uint32_t(s.events.size()));
  for (const TrainerEvent& e : s.events) {
    w.put(int64_t(e.step));
    w.put(int32_t(e.model));
    w.str(e.message);
  }
  w.put(uint32_t(s.view.size()));
  for (const auto& kv : s.view) {
    w.str(kv.first);
    w.str(kv.second);
  }
  w.put(crc32_of(w.out.data(), w.out.size()));
  return std::move(w.out);
}

bool session_save(const Session& s, const std::string& path, std::string* error) {
  for (const SessionModel& m : s.models)
    if (!m.network.all_finite() || !m.guard.good.all_finite() || !all_finite(m.state.m) || !all_finite(m.state.v) ||
        (m.early.best_epoch > 0 && !m.early.best.all_finite())) {
      *error = "'" + printable_path(path) + "': not saved: the training state is not finite";
      return false;
    }
  const std::vector<uint8_t> bytes = session_serialize(s);
  return write_file_atomically(path, bytes.data(), bytes.size(), error);
}

Session session_parse(const uint8_t* bytes, size_t n, const std::string& file_name) {
  const std::string name = "'" + printable_path(file_name) + "'";
  if (n < 12 || std::memcmp(bytes, kMagic, 8) != 0)
    throw InputError(name + ": not a latentlab session file (" +
                     (n < 12 ? "only " + std::to_string(n) + " bytes" : std::string("bad magic")) + ")");
  uint32_t version;
  std::memcpy(&version, bytes + 8, 4);
  if (version < 1 || version > kVersion)
    throw InputError(name + ": unsupported session file version " + std::to_string(version) +
                     " (this build reads versions 1 to " + std::to_string(kVersion) + ")");
  if (n < 16) throw InputError(name + ": truncated session file (no checksum)");
  uint32_t stored;
  std::memcpy(&stored, bytes + n - 4, 4);
  // A fuzz build skips the checksum a fuzzer cannot forge, so mutations reach the fields behind it
  // (README, "Fuzzing"); every other build checks it.
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  if (crc32_of(bytes, n - 4) != stored)
    throw InputError(name + ": checksum mismatch: the session file is damaged (a flipped bit, a partial copy or a "
                            "truncation); it cannot be loaded");
#endif
  Reader r{bytes + 12, bytes + n - 4, name, version};
  Session s;
  s.data_hash = r.get<uint64_t>("data hash");
  s.data.source = r.str("data source");
  s.data.labels_path = r.str("labels path");
  s.data.train_count = r.get<int32_t>("train count");
  s.data.count = r.get<int32_t>("count");
  s.data.seed = r.get<uint64_t>("data seed");
  s.data.image_size = r.get<int32_t>("image size");
  s.data.rgb = r.get<uint8_t>("rgb") != 0;
  s.data.csv_label_column = r.str("CSV label column");
  if (!parse_choice(r.str("CSV scaling"), &s.data.csv_scaling)) r.bad("an unknown CSV scaling");
  s.batch = r.get<int32_t>("batch");
  s.step = r.get<int64_t>("step");
  s.epoch = r.get<int32_t>("epoch");
  s.cursor = r.get<int32_t>("cursor");
  s.order_rng = r.get<uint64_t>("shuffler state");
  const uint64_t order_n = r.count("order length", uint64_t(1) << 31, 4);
  s.order.resize(size_t(order_n));
  for (int& i : s.order) {
    i = r.get<int32_t>("order");
    if (i < 0 || uint64_t(i) >= order_n) r.bad("a sample index outside the order");
  }
  if (s.batch < 1 || s.step < 0 || s.epoch < 0 || s.cursor < 0 || uint64_t(s.cursor) > order_n)
    r.bad("bad batch, step, epoch or position");
  s.epoch_loss_sum = r.get<double>("epoch loss");
  s.epoch_kept = r.get<int64_t>("epoch loss");
  if (version >= 3) s.early_stopped = r.get<uint8_t>("early-stop flag") != 0;
  const uint32_t models = r.get<uint32_t>("model count");
  if (models < 1 || models > uint32_t(kMaxSessionModels)) r.bad("bad model count " + std::to_string(models));
  for (uint32_t k = 0; k < models; ++k) {
    SessionModel m;
    m.network = r.network("network");
    const int32_t kind = r.get<int32_t>("optimizer");
    if (!choice_valid<OptimizerKind>(kind)) r.bad("unknown optimizer " + std::to_string(kind));
    m.optimizer.kind = OptimizerKind(kind);
    for (float* f : {&m.optimizer.lr, &m.optimizer.momentum, &m.optimizer.beta1, &m.optimizer.beta2, &m.optimizer.eps,
                     &m.optimizer.clip_norm})
      *f = r.get<float>("optimizer");
    ModelTrainingState& st = m.state;
    st.step = r.get<int64_t>("model step");
    st.adam_t = r.get<int64_t>("Adam step");
    st.rng = r.get<uint64_t>("RNG state");
    st.eval_rng = r.get<uint64_t>("RNG state");
    st.dropout_rng = r.get<uint64_t>("RNG state");
    const uint64_t P = m.network.params.size();
    st.m = r.floats("first moment", P);
    st.v = r.floats("second moment", P);
    if (!all_finite(st.m) || !all_finite(st.v)) r.bad("non-finite optimizer moments");
    m.guard.good = r.network("known-good copy");
    if (m.guard.good.params.size() != P) r.bad("the known-good copy has another architecture");
    m.guard.good_step = r.get<int64_t>("guard");
    m.guard.last_rollback_step = r.get<int64_t>("guard");
    m.guard.rollback_streak = r.get<int32_t>("guard");
    m.guard.rollbacks = r.get<int64_t>("guard");
    CollapseWatch& c = m.collapse;
    c.peak_spread = r.get<double>("collapse watch");
    c.best_loss = r.get<double>("collapse watch");
    c.average_loss = r.get<double>("collapse watch");
    c.checks = r.get<int32_t>("collapse watch");
    c.stalled_checks = r.get<int32_t>("collapse watch");
    c.warned = r.get<uint8_t>("collapse watch") != 0;
    m.history.train = r.points("training history");
    m.history.test = r.points("held-out history");
    m.record_every = r.get<int32_t>("history spacing");
    m.loss_count = r.get<int32_t>("history spacing");
    if (m.record_every < 1 || m.loss_count < 0) r.bad("bad history spacing");
    m.loss_sum.total = r.get<double>("running loss");
    m.loss_sum.recon = r.get<double>("running loss");
    m.loss_sum.penalty = r.get<double>("running loss");
    if (version >= 2) m.loss_sum.critic = r.get<double>("running loss");
    if (version >= 3) {
      EarlyStopping& es = m.early;
      es.patience = r.get<int32_t>("early-stop record");
      es.best_epoch = r.get<int32_t>("early-stop record");
      es.best_step = r.get<int64_t>("early-stop record");
      es.best_loss = r.get<double>("early-stop record");
      es.last_epoch = r.get<int32_t>("early-stop record");
      es.last_loss = r.get<double>("early-stop record");
      es.patience_from = r.get<int32_t>("early-stop record");
      if (es.patience < 0 || es.best_epoch < 0 || es.best_step < 0 || es.last_epoch < 0 || es.patience_from < 0 ||
          es.best_epoch > es.last_epoch)
        r.bad("a bad early-stop record");
      if (es.best_epoch > 0) {
        es.best = r.network("best epoch's weights");
        if (es.best.params.size() != P || !es.best.all_finite())
          r.bad("the best epoch's weights do not fit the network or are not finite");
      } else if (r.get<uint64_t>("best epoch's weights") != 0) {
        r.bad("best epoch's weights without a best epoch");
      }
    }
    s.models.push_back(std::move(m));
  }
  const uint32_t events = r.get<uint32_t>("event count");
  if (events > kMaxSessionEvents) r.bad("bad event count");
  for (uint32_t k = 0; k < events; ++k) {
    TrainerEvent e;
    e.step = r.get<int64_t>("event");
    e.model = r.get<int32_t>("event");
    e.message = r.str("event");
    s.events.push_back(std::move(e));
  }
  const uint32_t view = r.get<uint32_t>("view entry count");
  if (view > kMaxViewEntries) r.bad("bad view entry count");
  for (uint32_t k = 0; k < view; ++k) {
    std::string key = r.str("view key");
    s.view.emplace_back(std::move(key), r.str("view value"));
  }
  if (r.p != r.end) r.bad(std::to_string(r.end - r.p) + " bytes after the last field");
  return s;
}

Session session_load(const std::string& path) {
  const std::vector<uint8_t> bytes = read_regular_file(path, "session file", kMaxSessionBytes);
  return session_parse(bytes.data(), bytes.size(), path);
}

bool is_session_path(const std::string& path) {
  const std::string ext = ".llsession";
  if (path.size() < ext.size()) return false;
  for (size_t i = 0; i < ext.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(path[path.size() - ext.size() + i])) != ext[i]) return false;
  return true;
}

//---- csv --------------------------------------------------------------------------------------

std::string loss_history_csv(const std::vector<ModelHistory>& histories, const std::vector<std::string>& model_names) {
  std::string out = "model,set,step,epoch,total,recon,penalty\n";
  char line[256];
  for (size_t m = 0; m < histories.size(); ++m)
    for (int set = 0; set < 2; ++set)
      for (const LossPoint& p : set == 0 ? histories[m].train : histories[m].test) {
        std::snprintf(line, sizeof line, ",%s,%lld,%.17g,%.17g,%.17g,%.17g\n", set == 0 ? "train" : "test",
                      static_cast<long long>(p.step), p.epoch, p.parts.total, p.parts.recon, p.parts.penalty);
        out += (m < model_names.size() ? model_names[m] : std::to_string(m)) + line;
      }
  return out;
}
