// Sessions in the app: File > Save (Ctrl+S), Open (Ctrl+O, the file browser: a .llsession, .llnet or
// .safetensors opens as models, anything else as data), Open Recent, autosave every few minutes and
// on close to the per-user state folder keeping the last two, the offer to resume the last autosave
// at start, and for a session trained on other data the choice of its data or the current data. The
// state comes from the trainer thread (Trainer::capture_session, between two steps): this file never
// touches live parameters, and every GL and ImGui call stays on this thread.
//
// Index:
//   [SECTION] Paths
//   [SECTION] The view's pairs
//   [SECTION] Saving: request, finish when the capture arrives, autosave, on close
//   [SECTION] Opening, and the choice of data
//   [SECTION] The File menu's items, the resume offer and the other-data prompt
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <new>

#include <imgui.h>

#include "gui_help.h"
#include "gui_state.h"
#include "io/errors.h"
#include "io/file_input.h"
#include "io/file_write.h"
#include "models/network_safetensors.h"
#include "train/session.h"

//-----------------------------------------------------------------------------
// [SECTION] Paths
//-----------------------------------------------------------------------------

namespace {

constexpr size_t kMaxRecent = 8;
constexpr const char* kAutosaveName = "autosave.llsession";
constexpr const char* kAutosavePrevName = "autosave.prev.llsession";  // the one before: two good sessions kept
constexpr const char* kRecentName = "recent.txt";  // Open Recent across launches: one path a line, newest first

// The view's switches and panels as the session's view pairs: one row per field.
struct ViewField {
  const char* key;
  bool ViewOptions::*flag;
};
constexpr ViewField kViewFields[] = {
    {"view.manifold", &ViewOptions::show_manifold}, {"view.holes", &ViewOptions::show_holes},
    {"view.prior", &ViewOptions::show_prior},       {"view.link_probes", &ViewOptions::link_probes},
    {"view.gallery", &ViewOptions::show_gallery},   {"view.recon", &ViewOptions::show_recon},
    {"view.log_scale", &ViewOptions::log_scale},    {"view.points", &ViewOptions::show_points},
    {"panel.data", &ViewOptions::show_data},        {"panel.model", &ViewOptions::show_model},
    {"panel.training", &ViewOptions::show_training}, {"panel.loss", &ViewOptions::show_loss},
};

bool make_dirs(const std::string& dir) {
  for (size_t at = 1; at <= dir.size(); ++at)
    if (at == dir.size() || dir[at] == '/') {
      const std::string part = dir.substr(0, at);
      if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) return false;
    }
  return true;
}

// Open Recent survives a restart while autosave is on (automated runs, with autosave off, leave the
// user's state folder alone). A list that cannot be written stays in memory; nothing else changes.
void write_recent(const SessionUi& s) {
  if (s.autosave_minutes <= 0 || !make_dirs(session_state_dir())) return;
  std::string text;
  for (const std::string& r : s.recent) text += r + "\n";
  std::string error;
  write_file_atomically(session_state_dir() + "/" + kRecentName, text.data(), text.size(), &error);
}

// The saved list after this run's own entries (a --load at start), without repeats.
void read_recent(SessionUi& s) {
  s.recent_read = true;
  if (s.autosave_minutes <= 0) return;
  const std::string path = session_state_dir() + "/" + kRecentName;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return;
  try {
    const std::vector<uint8_t> bytes = read_regular_file(path, "recent list", 1 << 20);
    std::string line;
    for (size_t i = 0; i <= bytes.size(); ++i) {
      if (i < bytes.size() && bytes[i] != '\n') {
        line += char(bytes[i]);
        continue;
      }
      bool seen = line.empty();
      for (const std::string& r : s.recent) seen = seen || r == line;
      if (!seen && s.recent.size() < kMaxRecent) s.recent.push_back(line);
      line.clear();
    }
  } catch (const InputError& e) {
    std::fprintf(stderr, "latentlab: %s\n", e.what());
  }
}

void add_recent(SessionUi& s, const std::string& path) {
  for (size_t i = 0; i < s.recent.size(); ++i)
    if (s.recent[i] == path) s.recent.erase(s.recent.begin() + long(i));
  s.recent.insert(s.recent.begin(), path);
  if (s.recent.size() > kMaxRecent) s.recent.resize(kMaxRecent);
  write_recent(s);
}

}  // namespace

std::string session_state_dir() {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg && xdg[0] == '/') return std::string(xdg) + "/latentlab";
  const char* home = std::getenv("HOME");
  return std::string(home && home[0] ? home : ".") + "/.local/state/latentlab";
}

std::string session_autosave_path() { return session_state_dir() + "/" + kAutosaveName; }

//-----------------------------------------------------------------------------
// [SECTION] The view's pairs
//-----------------------------------------------------------------------------

// Where the user was looking: each map's probe ("probe.P" = "u,v" on its plane) and the
// interpolation's endpoints, interpolants and slider. Numbers as text with 9 digits: a float exactly.
static void session_view_positions(const AppState& app, std::vector<std::pair<std::string, std::string>>* view) {
  char text[64];
  for (int p = 0; p < app.pane_count; ++p) {
    std::snprintf(text, sizeof text, "%.9g,%.9g", app.panes[p].probe.uv[0], app.panes[p].probe.uv[1]);
    view->emplace_back("probe." + std::to_string(p), text);
  }
  const Interpolation& it = app.interp;
  view->emplace_back("interp.a", std::to_string(it.a));
  view->emplace_back("interp.b", std::to_string(it.b));
  view->emplace_back("interp.steps", std::to_string(it.steps));
  view->emplace_back("interp.slerp", it.slerp ? "1" : "0");
  std::snprintf(text, sizeof text, "%.9g", it.t);
  view->emplace_back("interp.t", text);
}

// A session's view on the app: the switches, then the positions. A value that does not parse, or an
// endpoint the data does not have, leaves what the app had.
void session_view_apply(AppState& app, const std::vector<std::pair<std::string, std::string>>& view) {
  int a = -1, b = -1;
  for (const auto& kv : view) {
    for (const ViewField& f : kViewFields)
      if (kv.first == f.key) app.view.*f.flag = kv.second == "1";
    const char* v = kv.second.c_str();
    if (kv.first == "interpolation") app.interp.show = kv.second == "1";
    else if (kv.first == "interp.a") a = std::atoi(v);
    else if (kv.first == "interp.b") b = std::atoi(v);
    else if (kv.first == "interp.steps") interp_set_steps(app, std::atoi(v));
    else if (kv.first == "interp.slerp") interp_set_slerp(app, kv.second == "1");
    else if (kv.first == "interp.t") {
      const float t = std::strtof(v, nullptr);
      if (t >= 0 && t <= 1) app.interp.t = t;
    } else if (kv.first.compare(0, 6, "probe.") == 0) {
      const int p = std::atoi(kv.first.c_str() + 6);
      float u = NAN, w = NAN;
      if (p >= 0 && p < kMaxPanes && std::sscanf(v, "%f,%f", &u, &w) == 2 && std::isfinite(u) && std::isfinite(w)) {
        app.panes[p].probe.uv[0] = u;
        app.panes[p].probe.uv[1] = w;
        app.panes[p].probe.dirty = true;
      }
    }
  }
  if (a >= 0 && b >= 0 && a != b) interp_set_ends(app, a, b);  // out-of-range ones are refused there
}

//-----------------------------------------------------------------------------
// [SECTION] Saving
//-----------------------------------------------------------------------------

void session_request_save(AppState& app, const std::string& path, bool autosave) {
  SessionUi& s = app.session;
  if (!s.pending.empty()) return;  // one at a time
  app.trainer->captured_session(&s.pending_serial);
  s.pending = path;
  s.pending_autosave = autosave;
  app.trainer->capture_session();
}

// Writes a captured session with the app's part (data spec, view) filled in.
static bool write_session(AppState& app, const Session& captured, const std::string& path, bool autosave) {
  SessionUi& s = app.session;
  Session out = captured;
  out.data = app.data_spec;
  if (app.data_all) out.data_hash = session_data_hash(*app.data_all);  // the data as loaded, not a hold-out's training split
  out.view.clear();
  out.view.emplace_back("twin", app.edit.twin ? "1" : "0");
  for (const ViewField& f : kViewFields) out.view.emplace_back(f.key, app.view.*f.flag ? "1" : "0");
  out.view.emplace_back("interpolation", app.interp.show ? "1" : "0");
  session_view_positions(app, &out.view);
  std::string error;
  // The state folder is made on first use (an autosave, or Save before anything was opened).
  const std::string state_dir = session_state_dir();
  if (path.compare(0, state_dir.size() + 1, state_dir + "/") == 0 && !make_dirs(state_dir)) {
    s.status = std::string(autosave ? "autosave" : "save") + " failed: cannot create " + printable_path(state_dir);
    return false;
  }
  if (autosave) {
    // The previous autosave becomes the one before only once the new state is known to be savable.
    bool finite = true;
    for (const SessionModel& m : out.models) finite = finite && m.network.all_finite();
    if (!finite) {
      s.status = "autosave skipped: the training state is not finite";
      return false;
    }
    // A second name for it (a hard link, put in place by a rename), not a move: the autosave
    // itself stays on disk until the new one replaces it atomically, so a crash or a SIGKILL
    // during the save below leaves the old autosave, never none (tests/test_gui_save_faults.sh).
    const std::string prev = session_state_dir() + "/" + kAutosavePrevName;
    const std::string prev_tmp = prev + ".link";  // a fixed name: a kill here leaves one stray link, removed next time
    unlink(prev_tmp.c_str());
    if (link(path.c_str(), prev_tmp.c_str()) == 0) std::rename(prev_tmp.c_str(), prev.c_str());
  }
  if (!session_save(out, path, &error)) {
    s.status = (autosave ? "autosave failed: " : "not saved: ") + error;
    // Seen without opening the File menu: the corner note an export's outcome uses (gui_export.cpp).
    app.exports.status = s.status;
    app.exports.status_error = true;
    app.exports.status_time = app.now;
    return false;
  }
  char when[32];
  const std::time_t t = std::time(nullptr);
  std::strftime(when, sizeof when, "%H:%M:%S", std::localtime(&t));
  s.status = std::string(autosave ? "autosaved" : "saved") + " step " + std::to_string(out.step) + " at " + when;
  if (!autosave) {
    s.path = path;
    add_recent(s, path);
  }
  return true;
}

void session_update(AppState& app) {
  SessionUi& s = app.session;
  if (!s.recent_read) read_recent(s);
  if (!s.pending.empty()) {
    uint64_t serial = 0;
    std::shared_ptr<const Session> captured = app.trainer->captured_session(&serial);
    if (captured && serial > s.pending_serial) {
      write_session(app, *captured, s.pending, s.pending_autosave);
      s.pending.clear();
    }
    return;
  }
  if (s.autosave_minutes > 0 && app.now - s.last_autosave >= s.autosave_minutes * 60.0) {
    s.last_autosave = app.now;
    session_request_save(app, session_autosave_path(), true);
  }
}

// A session needs what only the training thread holds (Adam's moments, the RNG streams, the batch
// order, the guard's copies: not in a published snapshot), so the save waits for its answer. The
// answer comes after the step in progress and the commands queued before: bounded work, so there is
// no deadline (one of 5 s lost the session on a loaded machine). A save asked for and not yet
// written (File > Save just before closing) is written from the same state.
void session_save_on_close(AppState& app) {
  SessionUi& s = app.session;
  const bool autosave = s.autosave_minutes > 0;
  const bool pending_elsewhere = !s.pending.empty() && !(autosave && s.pending == session_autosave_path());
  if (!autosave && !pending_elsewhere) return;
  const std::shared_ptr<const Session> captured = app.trainer->capture_session_wait();
  if (!captured) {
    std::fprintf(stderr, "latentlab: saving on close: the trainer has stopped; nothing saved\n");
    return;
  }
  if (pending_elsewhere) {
    write_session(app, *captured, s.pending, s.pending_autosave);
    if (!s.status.empty()) std::fprintf(stderr, "latentlab: %s\n", s.status.c_str());
  }
  s.pending.clear();
  if (autosave) {
    write_session(app, *captured, session_autosave_path(), true);
    if (!s.status.empty()) std::fprintf(stderr, "latentlab: %s\n", s.status.c_str());
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Opening, and the choice of data
//-----------------------------------------------------------------------------

bool session_is_model_path(const std::string& path) {
  if (is_session_path(path) || is_safetensors_path(path)) return true;
  const std::string ext = ".llnet";
  return path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
}

static void edit_from_config(AppState& app, const ModelConfig& c, bool twin) {
  app.edit.twin = twin;
  app.edit.config = c;
  std::string hidden;
  for (size_t i = 0; i < c.hidden.size(); ++i) hidden += (i ? "," : "") + std::to_string(c.hidden[i]);
  std::snprintf(app.edit.hidden, sizeof app.edit.hidden, "%s", hidden.c_str());
  app.edit.error.clear();
}

// Why a session's models cannot go on with data `d` ("" if they can): another feature count, or
// for a convolutional model another image geometry. Checked before anything changes.
static std::string session_fit_problem(const Session& loaded, const Dataset& d, const std::string& shown) {
  const std::string data_name = printable_path(d.name);
  for (const SessionModel& m : loaded.models) {
    const ModelConfig& c = m.network.config;
    if (c.input_size != d.features())
      return shown + ": its models take " + std::to_string(c.input_size) + " features but " + data_name + " has " +
             std::to_string(d.features());
    const ModelConfig fitted = fit_to_data(c, d);
    if (architecture_takes_images(c.arch) && (fitted.channels != c.channels || fitted.height != c.height || fitted.width != c.width))
      return shown + ": its convolutional models take " + std::to_string(c.width) + "x" + std::to_string(c.height) + "x" +
             std::to_string(c.channels) + " images but " + data_name + " has " + std::to_string(fitted.width) + "x" +
             std::to_string(fitted.height) + "x" + std::to_string(fitted.channels);
  }
  return "";
}

// The data before any hold-out: what a session's hash is of.
static const Dataset& whole_data(const AppState& app) { return app.data_all ? *app.data_all : *app.data; }

// A loaded session onto the app, on the data loaded now: refused (the app keeps what it had) when its
// models do not fit that data.
static bool session_apply(AppState& app, const std::string& path, std::shared_ptr<const Session> loaded,
                          const std::string& note) {
  SessionUi& s = app.session;
  const std::string problem = session_fit_problem(*loaded, *app.data, "'" + printable_path(path) + "'");
  if (!problem.empty()) {
    app.data_error = problem + "; not opened, the current models stay";  // shown where a failed open shows
    s.status = app.data_error;
    return false;
  }
  session_view_apply(app, loaded->view);
  edit_from_config(app, loaded->models.back().network.config, loaded->models.size() == 2);
  app.lr = app.lr_field = loaded->models[0].optimizer.lr;
  app.batch = loaded->batch;
  const int patience = loaded->models[0].early.patience;  // the trainer takes it from the session
  app.early_stop = patience > 0;
  if (patience > 0) app.early_stop_patience = patience;
  s.status = "opened step " + std::to_string(loaded->step) + note;
  app.trainer->load_session(std::move(loaded));
  s.path = path;
  add_recent(s, path);
  for (ModelPane& pane : app.panes) pane.latent = 0;  // resized when the new networks arrive
  return true;
}

bool session_open(AppState& app, const std::string& path, bool ask_about_data) {
  SessionUi& s = app.session;
  const std::string shown = "'" + printable_path(path) + "'";
  try {
    if (!is_session_path(path)) {  // a network: single-model mode, a fresh optimizer
      Network net = network_load_file(path);
      if (net.config.input_size != app.data->features())
        throw InputError(shown + ": the saved model takes " + std::to_string(net.config.input_size) + " features but " +
                         printable_path(app.data->name) + " has " + std::to_string(app.data->features()));
      edit_from_config(app, net.config, false);
      const ModelConfig c = net.config;
      app.trainer->rebuild({c}, {std::move(net)});
      for (ModelPane& pane : app.panes) pane.latent = 0;  // resized when the new networks arrive
      return true;
    }
    auto loaded = std::make_shared<const Session>(session_load(path));
    if (loaded->data_hash != session_data_hash(whole_data(app))) {
      // Trained on other data: the user chooses (ui_session_popups, script session-data), nothing changes
      // before; a lesson's bundled session takes its own data.
      s.mismatch = std::move(loaded);
      s.mismatch_path = path;
      s.mismatch_shown = false;
      s.status = shown + " was trained on other data: load its data, or go on with the current data";
      if (!ask_about_data) return session_answer_data(app, true) && app.data_error.empty();
      return true;
    }
    return session_apply(app, path, std::move(loaded), "");
  } catch (const InputError& e) {
    app.data_error = e.what();  // shown where a failed open shows; the models stay
    s.status = e.what();
    return false;
  } catch (const std::bad_alloc&) {  // within every budget, but more than this machine holds
    app.data_error = "cannot open " + shown + ": not enough memory";
    s.status = app.data_error;
    return false;
  }
}

bool session_answer_data(AppState& app, bool load_session_data) {
  SessionUi& s = app.session;
  if (!s.mismatch) return false;
  std::shared_ptr<const Session> loaded = std::move(s.mismatch);
  s.mismatch.reset();
  const std::string shown = "'" + printable_path(s.mismatch_path) + "'";
  app.data_error.clear();
  std::string note;
  if (load_session_data) {
    if (!app_load_data(app, loaded->data)) {  // the current data and models stay
      app.data_error = shown + ": its data could not be loaded (" + app.data_error + "); not opened";
      s.status = app.data_error;
      return true;
    }
    if (loaded->data_hash != session_data_hash(whole_data(app)))
      note = "; its data has changed since it was saved (the hash differs), going on with it";
  } else {
    note = "; on " + printable_path(app.data->name) + ", not the data it was trained on";
  }
  session_apply(app, s.mismatch_path, std::move(loaded), note);
  return true;
}

//-----------------------------------------------------------------------------
// [SECTION] The File menu's items, the resume offer and the other-data prompt
//-----------------------------------------------------------------------------

// File > Save and Ctrl+S (gui_shortcuts.cpp): the session last opened or saved, else saved.llsession
// in the state folder.
void session_save_current(AppState& app) {
  session_request_save(app, app.session.path.empty() ? session_state_dir() + "/saved.llsession" : app.session.path, false);
}

void ui_file_menu_items(AppState& app) {
  SessionUi& s = app.session;
  if (ImGui::MenuItem("Save", "Ctrl+S")) session_save_current(app);
  if (ImGui::MenuItem("Open...", "Ctrl+O")) file_browser_open(app, BrowseTarget::Data);
  if (ImGui::BeginMenu("Open Recent", !s.recent.empty())) {
    for (const std::string& r : s.recent)
      if (ImGui::MenuItem(printable_path(r).c_str())) {
        session_open(app, std::string(r), true);
        break;
      }
    ImGui::EndMenu();
  }
  ImGui::Separator();
  float minutes = static_cast<float>(s.autosave_minutes);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::SliderFloat("autosave (min)", &minutes, 0, 30, minutes <= 0 ? "off" : "%.0f"))
    s.autosave_minutes = minutes;
  if (!s.status.empty()) ImGui::TextDisabled("%s", s.status.c_str());
  if (!s.path.empty()) ImGui::TextDisabled("Save writes %s", printable_path(s.path).c_str());
}

bool session_answer_resume(AppState& app, bool resume) {
  SessionUi& s = app.session;
  if (s.offer.empty()) return false;
  const std::string path = s.offer;
  s.offer.clear();
  if (resume) session_open(app, path, true);  // a failure shows in the File menu's status; the fresh models stay
  return true;
}

// A data spec as the prompt names it: the source, and the sample counts when they were chosen.
static std::string data_spec_text(const DataSpec& d) {
  std::string text = printable_path(d.source);
  if (d.count > 0) text += ", " + std::to_string(d.count) + " samples";
  if (d.train_count > 0) text += ", " + std::to_string(d.train_count) + " training";
  return text;
}

// At start, after a crash or a close: the last autosave, offered once. And a session trained on
// other data: its data, or the current data (each button also answers to a script command).
void ui_session_popups(AppState& app) {
  SessionUi& s = app.session;
  // Not in the first frames: Dear ImGui 1.86 aborts (Begin: blocking_modal != NULL) when a window is
  // first created in the frame a modal first shows, and the centre window is created after the menu
  // bar that draws these on the first frame.
  if (ImGui::GetFrameCount() <= 2) return;
  if (!s.offer.empty() && !s.offer_shown) {
    ImGui::OpenPopup("Resume?");
    s.offer_shown = true;
  }
  if (ImGui::BeginPopupModal("Resume?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text("Resume the last session (%s)?", s.offer_text.c_str());
    const bool resume = ImGui::Button("Resume");
    control_help(app, "session_resume");
    ImGui::SameLine();
    const bool fresh = ImGui::Button("Start fresh");
    control_help(app, "session_fresh");
    if (resume || fresh) session_answer_resume(app, resume);
    if (s.offer.empty()) ImGui::CloseCurrentPopup();  // answered here or by the script
    ImGui::EndPopup();
  }
  if (s.mismatch && !s.mismatch_shown && !ImGui::IsPopupOpen("Resume?")) {
    ImGui::OpenPopup("Other data");
    s.mismatch_shown = true;
  }
  if (ImGui::BeginPopupModal("Other data", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    if (s.mismatch) {
      const std::string theirs = data_spec_text(s.mismatch->data), ours = data_spec_text(app.data_spec);
      ImGui::PushTextWrapPos(std::min(ImGui::GetFontSize() * 40, 0.8f * ImGui::GetIO().DisplaySize.x));  // a long path wraps
      ImGui::TextWrapped("'%s' was trained on other data than the data loaded now.", printable_path(s.mismatch_path).c_str());
      ImGui::PopTextWrapPos();
      const std::string load = "Load the session's data (" + theirs + ")##load";
      const std::string keep = "Go on with the current data (" + ours + ")##keep";
      const bool load_theirs = ImGui::Button(load.c_str());
      control_help(app, "session_data_load");
      const bool keep_ours = ImGui::Button(keep.c_str());
      control_help(app, "session_data_keep");
      const bool cancel = ImGui::Button("Cancel");
      control_help(app, "session_data_cancel");
      if (cancel) {
        s.mismatch.reset();
        s.status = "'" + printable_path(s.mismatch_path) + "' not opened";
      } else if (load_theirs || keep_ours) {
        session_answer_data(app, load_theirs);
      }
    }
    if (!s.mismatch) ImGui::CloseCurrentPopup();  // answered here or by the script
    ImGui::EndPopup();
  }
}

void session_offer_autosave(AppState& app) {
  SessionUi& s = app.session;
  const std::string path = session_autosave_path();
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return;
  try {
    const Session last = session_load(path);
    s.offer_text = "autosaved at step " + std::to_string(last.step) + ", " + std::to_string(last.models.size()) +
                   (last.models.size() == 1 ? " model" : " models");
    s.offer = path;
  } catch (const InputError& e) {  // a damaged autosave: say so on stderr, offer nothing
    std::fprintf(stderr, "latentlab: the last autosave cannot be resumed: %s\n", e.what());
  }
}

void session_write_state(const AppState& app, FILE* f) {
  std::string list;
  for (const std::string& r : app.session.recent) list += (list.empty() ? "" : "|") + r;
  std::fprintf(f, "recent=%s\n", list.c_str());
  // The choices waiting for an answer ("" = none): the autosave on offer, the session trained on other data.
  std::fprintf(f, "session_offer=%s\n", app.session.offer.empty() ? "" : app.session.offer_text.c_str());
  std::fprintf(f, "session_data_prompt=%s\n", app.session.mismatch ? app.session.mismatch_path.c_str() : "");
}
