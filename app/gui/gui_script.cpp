// --script FILE: replays simple actions on the real app, one per line, so tests and documentation
// can drive it under Xvfb. The whole file is checked when it is loaded (a bad line is a usage
// error, exit 2); then one command runs per frame, or several when they do not wait. Commands:
//
//   train N              pause, take exactly N steps, wait until they are done and every view shows them
//                        (data, reset and train also wait until the trainer has carried them out)
//   start | pause | reset
//   sync                 wait until every view (map, probe, manifold, strips) reflects the newest weights
//   wait N               let N frames pass
//   wait-file PATH       wait until PATH exists: a test driving the window from outside (xdotool)
//                        creates it when the script may go on
//   probe M X Y          put model M's probe at (X, Y) on its map (linked probes follow)
//   select I [J ...]     select dataset samples (rings; sigma ellipses on a VAE map)
//   panel NAME on|off    manifold | prior | link | samples | recon | interp | data | model | training |
//                        loss | log | holes | decoder-j (the decoder's ||J||_F in place of the hole map) |
//                        points | quantiles (the manifold's grid on prior quantiles) |
//                        kl (inside the VAE: KL per dimension and the beta trade-off on VAE maps) |
//                        anomaly | denoise | feed | units (code units: the sparse AE's row) |
//                        sensitivity (the contractive AE's row) | factors (latent-factor MI and MIG) |
//                        arith (latent arithmetic) | help (the keyboard shortcuts' overlay, as F1 opens it)
//   arith A B            latent arithmetic's groups, each label=N, FACTOR=LO:HI (a factor by name) or
//                        selection (the samples selected now)
//   arith-strength S     the strength the attribute vector is added with (-3 .. 3)
//   arith-lasso A|B M U1 V1 U2 V2 U3 V3 ...   group A or B = the points of model M's map inside the
//                        polygon (plane coordinates), as a lasso drawn there does
//   plane dims X Y | plane pca   which plane of a latent space wider than 2 (dims count from 0)
//   zoom M F | fit M     zoom model M's map by F (> 1 zooms in), or make it follow the data again
//   data SPEC [LABELS] [csv-label=COLUMN] [count=N] [train=N]   load a dataset as the Data panel does (a
//                        failure keeps the current one); LABELS is an IDX labels file, COLUMN a CSV's label
//                        column; count= and train= a built-in generator's size and split (--count, --train)
//   rebuild [hidden=LIST] [latent=N] [kind=twin|ae|vae|sparse|denoising|contractive] [pair=NAME] [arch=mlp|conv|pool]
//                        set the Model panel's fields as if typed, then press Rebuild; pair= (the
//                        compare pairs of models/kinds.h: ae-vae, ae-denoising, ...) implies kind=twin
//   browser-defaults     the file browser's options (labels file, CSV label column, image size,
//                        colour) back to their defaults, as a user clearing those fields would
//                        (a refused size shows its message there and the models stay)
//   screenshot FILE      the window as a PNG, after this frame renders
//   dump-probe M FILE    model M's probe decoding as a PNG (one pixel per data pixel)
//   color-by WHAT        the points' colour: label | error (each sample's reconstruction error) |
//                        jacobian (the encoder's ||J||_F at each sample) | a
//                        factor of the data by name (sprites: scale, rotation, x, y; faces: smile, ...)
//   dump-holes M FILE    model M's hole map: "grid COLS ROWS U0 V0 U1 V1", its values row by row (top
//                        first), then "heldout N" and the map coordinates of the held-out points
//                        (needs `panel holes on`, the default, and a `sync`)
//   interp A B           interpolation endpoints: dataset samples A and B
//   interp-random same|different   a random pair of held-out samples with the same / different labels
//   interp-steps K       K interpolants between A and B (1 .. 24)
//   interp-path linear|slerp       the VAE's path (the AE's is always linear)
//   interp-t T           the slider, 0 = A .. 1 = B
//   interp-play on|off   run the slider along the path, back and forth
//   interp-pick M X Y    what a click in pick mode does: the point of model M's map nearest (X, Y)
//                        becomes A, the next one picked becomes B
//   dump-interp M FILE   model M's interpolation strip as a PNG: original A, the interpolants, original B
//                        (needs `panel interp on` and a `sync` after changes)
//   interp-pairs N       the verdict over N random held-out pairs (1 .. 1000; default 50)
//   interp-verdict       wait until that verdict has measured the newest weights (pause first: while
//                        training, the weights never hold still long enough)
//   dump-interp-pairs FILE   the verdict's pairs, one a line: a b mean0 mean1 midpoint0 midpoint1
//   save-models DIR      the newest weights as DIR/model0.llnet, model1.llnet, ..., as `latentlab interpolate
//                        --save` writes them: `interpolate --load DIR` measures the same models
//   wait-readable [ACC]  wait until every map separates its labels: the leave-one-out 5-NN accuracy of
//                        its held-out points' positions (up to 1000) reaches ACC (default 0.8); prints
//                        the seconds since launch at which each model's map first did
//   ui-type KEY TEXT     type TEXT into control KEY (left column, toolbar or interpolation row; a key of
//                        gui_help.cpp's table) as a user does: Ctrl+click it (a slider becomes a text
//                        field), Ctrl+A, TEXT one character per frame, Enter
//   ui-click KEY         click control KEY
//   ui-hover KEY         rest the mouse on control KEY (its tooltip shows) until the next ui- command
//   mouse-map M FX FY    rest the mouse on model M's map at (FX, FY), fractions of its width and height
//                        from its top-left corner, until the next ui- command (the hole map's value shows)
//   browser-labels PATH  the file browser's labels field, as typed ("-" empties it)
//   browser-open PATH    open PATH from the file browser with its options, as Enter in its path field does
//   browser-folder PATH  the export folder chosen in the file browser (Export > Choose..., Use this folder)
//   state FILE           key=value lines describing the app (for tests to check)
//   layout-check FILE    every recorded rectangle of the last frame that lies outside its container
//                        (window, pane, map) or overlaps another one of the same container, one per
//                        line, then problems=N (gui_layout.h)
//   ui-scale F           presenter mode's UI scale, 1 .. 2.5 (fonts, points, lines, images), as Ctrl +/- do
//   theme light|dark     the light, high-contrast theme for projectors, or the dark one
//   inside-tab NAME      the Inside the VAE row's tab where it is too narrow for its parts side by side
//                        (kl, tradeoff, traversals: kInsideTabs in view_kl.cpp)
//   layout-plant         draw a label over the toolbar's first control from now on (a test's proof
//                        that layout-check sees an overlap)
//   nudge SIZE random|toward   the sensitivity row's nudge: its RMS size per input value and direction
//   set KEY VALUE        a Model panel setting as if typed: a hyperparameter by its key (beta, kl_warmup,
//                        sparsity, sparsity_weight, rho, noise, noise_level, contractive_weight; a choice
//                        by name), or batch N, or lr RATE, or loss bce|mse, or init he|xavier|torch
//                        (the Model panel has no field for those two; the copying lesson sets them). A live one (beta, the weights, noise_level)
//                        reaches the running models at once; the others apply on the next rebuild
//   model-defaults       the Model panel's settings (kind's hyperparameters, hidden widths, network),
//                        the batch size and the learning rate back to the launch flags' (applied on rebuild)
//   lesson NAME [fresh]  open lesson NAME (core/lessons/lessons.h) and wait until its set-up has run;
//                        fresh: build its models from scratch even when it has a bundled session
//   lesson-show-me K     run step K's "show me" (K from 1) and wait until it has run
//   lesson-close         close the lesson panel
//   welcome on|off       show or hide the welcome screen
//   lessons-parse        parse every lesson's set-up and steps (core/lessons/lessons.cpp); a bad line fails
//   export KIND FILE [model=M] [tiles=N]   write an export as the Export menu does (gui_export.cpp; KIND:
//                        manifold | strip | gallery | recon | traversal | window | codes | loss); FILE "-":
//                        the Export folder's next name; model M (default 0) for a kind of one model;
//                        tiles: the manifold's per side (8 .. 64, default the menu's). A write that fails
//                        leaves its error in the status (state: export_status, export_error); the script goes on
//   export-folder DIR    the Export menu's folder, as typed there
//   right-click M FX FY  a right click (no drag) at (FX, FY) of model M's map, fractions of its width and
//                        height; FY past 1 reaches the row under the map (state: export_context)
//   session-save FILE    File > Save to FILE; waits until it is written or has failed (state: session_status)
//   autosave             an autosave now, as the timer makes one; waits the same way
//   session-data session|current   answer the prompt of a session trained on other data (session-open,
//                        gui --load with --data): load the session's data, or go on with the current
//                        data; a refusal (its models do not fit) is printed and the script goes on
//                        (state: session_status, session_data_prompt)
//   session-resume yes|no   answer the offer to resume the last autosave at start (state: session_offer)
//   fail-writes BYTES    fault injection (core/io/file_write.h's test hook): every save fails once BYTES more
//                        bytes are written, as on a full disk; -1 turns it off
//   fail-builds N        fault injection (train/trainer_faults.h's test hook): the next N models the trainer
//                        builds fail as an allocation this machine cannot give would (std::bad_alloc); 0: off
//   quit
// Lines starting with # and blank lines are skipped. Any wait gives up after 300 s (exit 1).
//
// The open lesson's set-up and steps run through the same commands on a second queue (app.lesson_queue):
// there a failing command shows its message in the lesson panel instead of ending the app.
//
// Index:
//   [SECTION] Loading
//   [SECTION] Running
//   [SECTION] State dump
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unistd.h>

#define GLFW_INCLUDE_NONE  // key codes only; GL comes from glad
#include <GLFW/glfw3.h>

#include "cli.h"
#include "gui_state.h"
#include "io/file_write.h"
#include "lessons/lessons.h"
#include "measure/label_separation.h"
#include "train/trainer_faults.h"

namespace {
constexpr double kScriptTimeout = 300.0;

struct OpSpec {
  const char* name;
  ScriptOp op;
  int min_args, max_args;
};
constexpr OpSpec kOps[] = {
    {"train", ScriptOp::Train, 1, 1},       {"start", ScriptOp::Start, 0, 0},
    {"pause", ScriptOp::Pause, 0, 0},       {"reset", ScriptOp::Reset, 0, 0},
    {"sync", ScriptOp::Sync, 0, 0},         {"wait", ScriptOp::Wait, 1, 1},
    {"probe", ScriptOp::Probe, 3, 3},       {"select", ScriptOp::Select, 1, kMaxSelected},
    {"panel", ScriptOp::Panel, 2, 2},       {"plane", ScriptOp::Plane, 1, 3},
    {"zoom", ScriptOp::Zoom, 2, 2},         {"fit", ScriptOp::Fit, 1, 1},
    {"data", ScriptOp::Data, 1, 5},         {"screenshot", ScriptOp::Screenshot, 1, 1},
    {"dump-probe", ScriptOp::DumpProbe, 2, 2}, {"state", ScriptOp::State, 1, 1},
    {"dump-holes", ScriptOp::DumpHoles, 2, 2},   {"color-by", ScriptOp::ColorBy, 1, 1},
    {"layout-check", ScriptOp::LayoutCheck, 1, 1}, {"layout-plant", ScriptOp::LayoutPlant, 0, 0},
    {"ui-scale", ScriptOp::UiScale, 1, 1},  {"theme", ScriptOp::Theme, 1, 1},
    {"inside-tab", ScriptOp::InsideTab, 1, 1},
    {"session-save", ScriptOp::SessionSave, 1, 1}, {"session-open", ScriptOp::SessionOpen, 1, 1},
    {"quit", ScriptOp::Quit, 0, 0},         {"rebuild", ScriptOp::Rebuild, 0, 5},
    {"wait-file", ScriptOp::WaitFile, 1, 1}, {"browser-defaults", ScriptOp::BrowserDefaults, 0, 0},
    {"interp", ScriptOp::Interp, 2, 2},     {"interp-random", ScriptOp::InterpRandom, 1, 1},
    {"interp-steps", ScriptOp::InterpSteps, 1, 1}, {"interp-path", ScriptOp::InterpPath, 1, 1},
    {"interp-t", ScriptOp::InterpT, 1, 1},  {"interp-play", ScriptOp::InterpPlay, 1, 1},
    {"interp-pick", ScriptOp::InterpPick, 3, 3}, {"dump-interp", ScriptOp::DumpInterp, 2, 2},
    {"interp-verdict", ScriptOp::InterpVerdict, 0, 0}, {"interp-pairs", ScriptOp::InterpPairs, 1, 1},
    {"dump-interp-pairs", ScriptOp::DumpInterpPairs, 1, 1}, {"wait-readable", ScriptOp::WaitReadable, 0, 1},
    {"ui-type", ScriptOp::UiType, 2, 2},    {"ui-click", ScriptOp::UiClick, 1, 1},
    {"ui-hover", ScriptOp::UiHover, 1, 1},  {"mouse-map", ScriptOp::MouseMap, 3, 3},
    {"browser-labels", ScriptOp::BrowserLabels, 1, 1}, {"browser-open", ScriptOp::BrowserOpen, 1, 1},
    {"save-models", ScriptOp::SaveModels, 1, 1},
    {"anomaly-score", ScriptOp::AnomalyScoreOp, 1, 1}, {"anomaly-quantile", ScriptOp::AnomalyQuantile, 2, 2},
    {"denoise-noise", ScriptOp::DenoiseNoise, 2, 2},
    {"probe-measure", ScriptOp::LinearProbeMeasure, 0, 0},
    {"rd-measure", ScriptOp::RateDistortionMeasure, 0, 0},
    {"feed-stroke", ScriptOp::FeedStroke, 4, 4}, {"feed-clear", ScriptOp::FeedClear, 0, 0},
    {"early-stop", ScriptOp::EarlyStop, 1, 1}, {"overfit-preset", ScriptOp::OverfitPreset, 0, 0},
    {"nudge", ScriptOp::Nudge, 2, 2},
    {"right-click", ScriptOp::RightClick, 3, 3},
    {"export", ScriptOp::Export, 2, 4},     {"export-folder", ScriptOp::ExportFolder, 1, 1}, {"browser-folder", ScriptOp::BrowserFolder, 1, 1},
    {"arith", ScriptOp::Arith, 2, 2},       {"arith-strength", ScriptOp::ArithStrength, 1, 1},
    {"arith-lasso", ScriptOp::ArithLasso, 8, 40},
    {"set", ScriptOp::Set, 2, 2},           {"model-defaults", ScriptOp::ModelDefaults, 0, 0},
    {"lesson", ScriptOp::Lesson, 1, 2},     {"lesson-show-me", ScriptOp::LessonShowMe, 1, 1},
    {"lesson-close", ScriptOp::LessonClose, 0, 0}, {"welcome", ScriptOp::Welcome, 1, 1},
    {"lessons-parse", ScriptOp::LessonsParse, 0, 0},
    {"fail-writes", ScriptOp::FailWrites, 1, 1}, {"autosave", ScriptOp::Autosave, 0, 0},
    {"fail-builds", ScriptOp::FailBuilds, 1, 1},
    {"holdout", ScriptOp::Holdout, 1, 1},  // holdout K|off: train without label K (the Data panel's row)
    {"session-data", ScriptOp::SessionData, 1, 1}, {"session-resume", ScriptOp::SessionResume, 1, 1},
};
const char* const kPanels[] = {"manifold", "prior", "link", "samples", "recon", "interp", "data", "model", "training", "loss",
                               "log", "holes", "points", "quantiles", "kl", "anomaly", "denoise", "feed", "units", "sensitivity",
                               "factors", "arith", "pca", "help", "colourise", "linear-probe", "rate-distortion", "decoder-j"};
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Loading
//-----------------------------------------------------------------------------

static bool parse_number(const std::string& s, double* out) {
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return !s.empty() && *end == '\0' && std::isfinite(*out);
}

// `set KEY VALUE`: the value a setting takes from its text, or false when it cannot take it.
static bool setting_value(const std::string& key, const std::string& text, double* value) {
  if (key == "batch") return parse_number(text, value) && *value >= 1 && *value <= 65536 && *value == std::floor(*value);
  if (key == "lr") return parse_number(text, value) && *value > 0;
  if (key == "loss" || key == "init") {  // the output loss and the initialisation: on the next rebuild
    const int at = key == "loss" ? choice_list<OutputLoss>().find(text) : choice_list<InitKind>().find(text);
    *value = at;
    return at >= 0;
  }
  const HyperparamInfo* h = hyperparam_by_key(key.c_str());
  if (!h) return false;
  if (h->type == HyperparamType::Choice) {
    const int at = h->choices->find(text);
    *value = at;
    return at >= 0;
  }
  return parse_number(text, value) && *value >= h->min && *value <= h->max &&
         (h->type != HyperparamType::Integer || *value == std::floor(*value));
}

void script_load(Script* script, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("latentlab gui: cannot read script " + path);
  script->path = path;
  script_parse(script, std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()), path);
}

void script_parse(Script* script, const std::string& all, const std::string& path) {
  std::istringstream in(all);
  std::vector<ScriptCommand> parsed;
  std::string text;
  int line_number = 0;
  while (std::getline(in, text)) {
    ++line_number;
    std::istringstream words(text);
    std::string word;
    std::vector<std::string> tokens;
    while (words >> word) tokens.push_back(word);
    if (tokens.empty() || tokens[0][0] == '#') continue;
    auto fail = [&](const std::string& why) {
      throw UsageError("latentlab gui: script " + path + ":" + std::to_string(line_number) + ": " + why);
    };
    const OpSpec* spec = nullptr;
    for (const OpSpec& s : kOps)
      if (tokens[0] == s.name) spec = &s;
    if (!spec) fail("unknown command '" + tokens[0] + "'");
    ScriptCommand cmd;
    cmd.op = spec->op;
    cmd.line = line_number;
    cmd.args.assign(tokens.begin() + 1, tokens.end());
    const int n = static_cast<int>(cmd.args.size());
    if (n < spec->min_args || n > spec->max_args) fail(std::string("wrong number of arguments for ") + spec->name);
    double v = 0;
    switch (cmd.op) {
      case ScriptOp::Train:
      case ScriptOp::Wait:
        if (!parse_number(cmd.args[0], &v) || v < 0 || v != std::floor(v)) fail("expects a whole number");
        break;
      case ScriptOp::Probe:
        for (const std::string& a : cmd.args)
          if (!parse_number(a, &v)) fail("probe expects: model x y");
        break;
      case ScriptOp::Select:
        for (const std::string& a : cmd.args)
          if (!parse_number(a, &v) || v < 0 || v != std::floor(v)) fail("select expects sample indices");
        break;
      case ScriptOp::RightClick:
        for (size_t i = 1; i < cmd.args.size(); ++i)
          if (!parse_number(cmd.args[i], &v) || v < 0 || v > 2) fail("right-click expects: model fx fy (fractions 0 .. 2 of its map)");
        break;
      case ScriptOp::MouseMap:
        for (size_t i = 1; i < cmd.args.size(); ++i)
          if (!parse_number(cmd.args[i], &v) || v < 0 || v > 1) fail("mouse-map expects: model fx fy (fractions 0 .. 1)");
        break;
      case ScriptOp::Zoom:
        if (!parse_number(cmd.args[0], &v) || !parse_number(cmd.args[1], &v) || v <= 0) fail("zoom expects: model factor");
        break;
      case ScriptOp::Data:
        for (size_t i = 1; i < cmd.args.size(); ++i) {
          const std::string& a = cmd.args[i];
          if ((a.compare(0, 6, "count=") == 0 || a.compare(0, 6, "train=") == 0) &&
              (!parse_number(a.substr(6), &v) || v < 1 || v != std::floor(v)))
            fail("data expects count=N and train=N as whole numbers from 1");
        }
        break;
      case ScriptOp::Fit:
      case ScriptOp::DumpProbe:
      case ScriptOp::DumpHoles:
      case ScriptOp::DumpInterp:
        if (!parse_number(cmd.args[0], &v) || v < 0) fail("expects a model index first");
        break;
      case ScriptOp::Interp:
        for (const std::string& a : cmd.args)
          if (!parse_number(a, &v) || v < 0 || v != std::floor(v)) fail("interp expects two sample indices");
        break;
      case ScriptOp::InterpRandom:
        if (cmd.args[0] != "same" && cmd.args[0] != "different") fail("interp-random expects same or different");
        break;
      case ScriptOp::InterpSteps:
        if (!parse_number(cmd.args[0], &v) || v < 1 || v > kMaxInterpSteps || v != std::floor(v))
          fail("interp-steps expects a whole number from 1 to " + std::to_string(kMaxInterpSteps));
        break;
      case ScriptOp::InterpPath:
        if (choice_list<PathKind>().find(cmd.args[0]) < 0) fail("interp-path expects " + choice_list<PathKind>().names(" or "));
        break;
      case ScriptOp::UiScale:
        if (!parse_number(cmd.args[0], &v) || v < 1 || v > kPresenterMaxScale) fail("ui-scale expects a number from 1 to 2.5");
        break;
      case ScriptOp::Theme:
        if (cmd.args[0] != "light" && cmd.args[0] != "dark") fail("theme expects light or dark");
        break;
      case ScriptOp::InterpT:
        if (!parse_number(cmd.args[0], &v) || v < 0 || v > 1) fail("interp-t expects a number from 0 to 1");
        break;
      case ScriptOp::InterpPlay:
        if (cmd.args[0] != "on" && cmd.args[0] != "off") fail("interp-play expects on or off");
        break;
      case ScriptOp::WaitReadable:
        if (n == 1 && (!parse_number(cmd.args[0], &v) || v <= 0 || v > 1)) fail("wait-readable expects an accuracy in (0, 1]");
        break;
      case ScriptOp::InterpPairs:
        if (!parse_number(cmd.args[0], &v) || v < 1 || v > kMaxVerdictPairs || v != std::floor(v))
          fail("interp-pairs expects a whole number from 1 to " + std::to_string(kMaxVerdictPairs));
        break;
      case ScriptOp::InterpPick:
        for (const std::string& a : cmd.args)
          if (!parse_number(a, &v)) fail("interp-pick expects: model x y");
        break;
      case ScriptOp::Panel: {
        bool known = false;
        for (const char* p : kPanels) known |= cmd.args[0] == p;
        if (!known) fail("unknown panel '" + cmd.args[0] + "'");
        if (cmd.args[1] != "on" && cmd.args[1] != "off") fail("panel expects on or off");
        break;
      }
      case ScriptOp::Rebuild:
        for (const std::string& a : cmd.args) {
          ModelKind kind;
          ComparePair pair;
          if (a.compare(0, 5, "kind=") == 0 && (a == "kind=twin" || parse_model_kind(a.substr(5), &kind))) continue;
          if (a.compare(0, 5, "pair=") == 0 && parse_choice(a.substr(5), &pair)) continue;
          Architecture arch;
          if (a.compare(0, 5, "arch=") == 0 && parse_choice(a.substr(5), &arch)) continue;
          if (a.compare(0, 7, "hidden=") != 0 && a.compare(0, 7, "latent=") != 0)
            fail("rebuild expects hidden=LIST, latent=N, kind=twin|" + choice_list<ModelKind>().names() +
                 ", pair=" + choice_list<ComparePair>().names() + " and/or arch=" + choice_list<Architecture>().names());
        }
        break;
      case ScriptOp::Holdout:
        if (cmd.args[0] != "off" && (!parse_number(cmd.args[0], &v) || v < 0 || v != std::floor(v)))
          fail("holdout expects a label (a whole number from 0) or off");
        break;
      case ScriptOp::AnomalyScoreOp:
        if (choice_list<AnomalyScore>().find(cmd.args[0]) < 0)
          fail("anomaly-score expects " + choice_list<AnomalyScore>().names(" or "));
        break;
      case ScriptOp::DenoiseNoise:
        if (choice_list<NoiseKind>().find(cmd.args[0]) < 0 || !parse_number(cmd.args[1], &v) || v < 0 || v > 1)
          fail("denoise-noise expects " + choice_list<NoiseKind>().names(" or ") + " and a level from 0 to 1");
        break;
      case ScriptOp::EarlyStop:
        if (!parse_number(cmd.args[0], &v) || v < 0 || v != std::floor(v)) fail("early-stop expects a patience in epochs (0 = off)");
        break;
      case ScriptOp::FeedStroke:
        for (const std::string& a : cmd.args)
          if (!parse_number(a, &v)) fail("feed-stroke expects X0 Y0 X1 Y1 in image pixels");
        break;
      case ScriptOp::Export:
        if (choice_list<ExportKind>().find(cmd.args[0]) < 0) fail("export expects " + choice_list<ExportKind>().names(" | "));
        break;
      case ScriptOp::ArithStrength:
        if (!parse_number(cmd.args[0], &v)) fail("arith-strength expects a number");
        break;
      case ScriptOp::ArithLasso: {
        bool ok = (cmd.args[0] == "A" || cmd.args[0] == "B") && cmd.args.size() % 2 == 0;
        for (size_t i = 1; i < cmd.args.size(); ++i) ok = ok && parse_number(cmd.args[i], &v);
        if (!ok) fail("arith-lasso expects A or B, a model, then at least 3 plane points U V");
        break;
      }
      case ScriptOp::AnomalyQuantile:
        if (!parse_number(cmd.args[1], &v) || v < 0 || v > 1) fail("anomaly-quantile expects a pane and a quantile from 0 to 1");
        break;
      case ScriptOp::Nudge:
        if (!parse_number(cmd.args[0], &v) || !(v > 0) || v > 1 || choice_list<PerturbDirection>().find(cmd.args[1]) < 0)
          fail("nudge expects a size in (0, 1] and " + choice_list<PerturbDirection>().names(" or "));
        break;
      case ScriptOp::Plane:
        if (cmd.args[0] == "pca" && n == 1) break;
        if (cmd.args[0] == "dims" && n == 3 && parse_number(cmd.args[1], &v) && parse_number(cmd.args[2], &v)) break;
        fail("plane expects 'pca' or 'dims X Y'");
        break;
      case ScriptOp::Set:
        if (!setting_value(cmd.args[0], cmd.args[1], &v))
          fail("set expects batch N, lr RATE, loss bce|mse, init he|xavier|torch or a hyperparameter's key and a value it accepts, not '" + cmd.args[0] + " " +
               cmd.args[1] + "'");
        break;
      case ScriptOp::Lesson:
        if (!find_lesson(cmd.args[0])) fail("no lesson '" + cmd.args[0] + "' (core/lessons/lessons.cpp lists them)");
        if (n == 2 && cmd.args[1] != "fresh") fail("lesson expects NAME [fresh]");
        break;
      case ScriptOp::LessonShowMe:
        if (!parse_number(cmd.args[0], &v) || v < 1 || v != std::floor(v)) fail("lesson-show-me expects a step number from 1");
        break;
      case ScriptOp::Welcome:
        if (cmd.args[0] != "on" && cmd.args[0] != "off") fail("welcome expects on or off");
        break;
      case ScriptOp::SessionData:
        if (cmd.args[0] != "session" && cmd.args[0] != "current") fail("session-data expects session or current");
        break;
      case ScriptOp::SessionResume:
        if (cmd.args[0] != "yes" && cmd.args[0] != "no") fail("session-resume expects yes or no");
        break;
      default:
        break;
    }
    parsed.push_back(std::move(cmd));
  }
  for (ScriptCommand& c : parsed) script->commands.push_back(std::move(c));
}

bool script_busy(const Script& s) {
  return s.next < s.commands.size() || s.wait_frames > 0 || !s.wait_file.empty() || s.wait_newer || s.train_pending > 0 ||
         s.wait_step >= 0 || s.wait_sync || s.readable_target > 0 || s.wait_verdict || s.wait_lesson ||
         s.input_next < s.input.size();
}

void script_clear(Script* s) {
  const std::string path = s->path, error = s->error;
  const bool exits = s->exits_on_failure;
  *s = Script{};
  s->path = path;
  s->error = error;
  s->exits_on_failure = exits;
}

//-----------------------------------------------------------------------------
// [SECTION] Running
//-----------------------------------------------------------------------------

// A command that cannot be carried out: the tests' script ends the app with status 1; a lesson's
// queue keeps the message for the lesson panel and stops, and the app goes on.
static void script_fail(AppState& app, Script& s, const ScriptCommand& cmd, const std::string& why) {
  std::fprintf(stderr, "latentlab: script %s:%d: %s\n", s.path.c_str(), cmd.line, why.c_str());
  if (!s.exits_on_failure) {
    s.error = s.path + ", line " + std::to_string(cmd.line) + ": " + why;
    script_clear(&s);
    return;
  }
  s.failed = true;
  app.exit_code = 1;
  app.quit = true;
}

// A refusal the tests' scripts go on after (a data file or model settings the panels refuse, which
// keep what they had): printed; on a lesson's queue it stops the lesson as a failure does.
static void script_refused(AppState& app, Script& s, const ScriptCommand& cmd, const std::string& why) {
  if (!s.exits_on_failure) script_fail(app, s, cmd, why);
  else std::fprintf(stderr, "latentlab: script: %s\n", why.c_str());
}

static bool pane_arg(AppState& app, Script& s, const ScriptCommand& cmd, int* pane) {
  *pane = std::atoi(cmd.args[0].c_str());
  if (*pane < 0 || *pane >= app.pane_count) {
    script_fail(app, s, cmd, "no model " + cmd.args[0] + " (there are " + std::to_string(app.pane_count) + ")");
    return false;
  }
  return true;
}

static void set_panel(AppState& app, const std::string& name, bool on) {
  ViewOptions& v = app.view;
  if (name == "manifold") v.show_manifold = on;
  else if (name == "prior") v.show_prior = on;
  else if (name == "link") v.link_probes = on;
  else if (name == "samples") v.show_gallery = on;
  else if (name == "recon") v.show_recon = on;
  else if (name == "interp") app.interp.show = on;
  else if (name == "data") v.show_data = on;
  else if (name == "model") v.show_model = on;
  else if (name == "training") v.show_training = on;
  else if (name == "loss") v.show_loss = on;
  else if (name == "log") v.log_scale = on;
  else if (name == "holes") hole_map_show(app, on);
  else if (name == "decoder-j") decoder_jacobian_show(app, on);
  else if (name == "points") v.show_points = on;
  else if (name == "quantiles") v.manifold_grid = on ? ManifoldGrid::PriorQuantiles : ManifoldGrid::Linear;
  else if (name == "kl") v.show_kl = on;
  else if (name == "anomaly") v.show_anomaly = on;
  else if (name == "denoise") v.show_denoise = on;
  else if (name == "colourise") v.show_colourise = on;
  else if (name == "linear-probe") v.show_linear_probe = on;
  else if (name == "rate-distortion") v.show_rate_distortion = on;
  else if (name == "feed") v.show_feed = on;
  else if (name == "units") v.show_units = on;
  else if (name == "sensitivity") v.show_sensitivity = on;
  else if (name == "factors") v.show_factors = on;
  else if (name == "arith") v.show_arith = on;
  else if (name == "pca") v.show_pca = on;
  else if (name == "help") app.shortcuts.overlay = on;
}

// The centre of control `key` as the left column drew it last frame.
static bool control_centre(const AppState& app, const std::string& key, ImVec2* at) {
  for (int i = 0; i < app.controls_seen.count; ++i) {
    const ControlSeen& c = app.controls_seen.items[i];
    if (key == c.key) {
      *at = ImVec2(0.5f * (c.min.x + c.max.x), 0.5f * (c.min.y + c.max.y));
      return true;
    }
  }
  return false;
}

// Queues the frames of a click (hover, press, release) on `at`, optionally with Ctrl held.
static void queue_click(Script& s, ImVec2 at, bool ctrl) {
  for (bool down : {false, true, false}) {
    ScriptInput in;
    in.mouse = at;
    in.mouse_down = down;
    in.ctrl = ctrl;
    s.input.push_back(in);
  }
}

// Gives Dear ImGui this frame's scripted input in place of the devices' (the backend has just read
// them): called between ImGui_ImplGlfw_NewFrame and ImGui::NewFrame.
static void play_input(const ScriptInput& in) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = in.mouse;
  io.MouseDown[0] = in.mouse_down;
  io.MouseDown[1] = in.right_down;
  io.KeyCtrl = in.ctrl;
  for (int key : {GLFW_KEY_A, GLFW_KEY_ENTER}) io.KeysDown[key] = key == in.key;
  if (in.character) io.AddInputCharacter(in.character);
}

// Runs one command; returns true when the script must wait before the next one.
static bool script_run(AppState& app, Script& s, const ScriptCommand& cmd) {
  Trainer& t = *app.trainer;
  int pane = 0;
  switch (cmd.op) {
    case ScriptOp::Train:  // pause, let every earlier command land, then step from where it paused
      t.pause();
      s.train_pending = std::atoi(cmd.args[0].c_str());
      s.wait_newer = true;  // Pause always publishes
      s.wait_version = app.snap->version, s.wait_commands = app.trainer->commands_sent();
      return true;
    case ScriptOp::Start: t.start(); return false;
    case ScriptOp::Pause: t.pause(); return false;
    case ScriptOp::Reset:
      t.reset();
      s.wait_newer = true;
      s.wait_version = app.snap->version, s.wait_commands = app.trainer->commands_sent();
      return true;
    case ScriptOp::Sync: s.wait_sync = true; return true;
    case ScriptOp::Wait: s.wait_frames = std::atoi(cmd.args[0].c_str()); return s.wait_frames > 0;
    case ScriptOp::WaitFile: s.wait_file = cmd.args[0]; return true;
    case ScriptOp::BrowserDefaults: app.browser.options = {}; return false;
    case ScriptOp::Probe:
      if (!pane_arg(app, s, cmd, &pane)) return true;
      probe_set(app, pane, std::strtof(cmd.args[1].c_str(), nullptr), std::strtof(cmd.args[2].c_str(), nullptr));
      return false;
    case ScriptOp::Select:
      app.selected_count = 0;
      for (const std::string& a : cmd.args) {
        const int sample = std::atoi(a.c_str());
        if (sample >= app.data->count) {
          script_fail(app, s, cmd, "no sample " + a + " (the dataset has " + std::to_string(app.data->count) + ")");
          return true;
        }
        app.selected[app.selected_count++] = sample;
      }
      ++app.selection_serial;
      return false;
    case ScriptOp::Panel: set_panel(app, cmd.args[0], cmd.args[1] == "on"); return false;
    case ScriptOp::Plane:
      app.view.plane_mode = cmd.args[0] == "pca" ? PlaneMode::Pca : PlaneMode::Dims;
      if (cmd.args[0] == "dims") {
        app.view.dim_x = std::atoi(cmd.args[1].c_str());
        app.view.dim_y = std::atoi(cmd.args[2].c_str());
      }
      pane_plane_changed(app);
      return false;
    case ScriptOp::Zoom:
      if (!pane_arg(app, s, cmd, &pane)) return true;
      view_zoom(app, pane, std::strtof(cmd.args[1].c_str(), nullptr));
      return false;
    case ScriptOp::Fit:
      if (!pane_arg(app, s, cmd, &pane)) return true;
      view_fit(app, pane);
      return false;
    case ScriptOp::Data: {
      DataSpec spec;
      spec.source = cmd.args[0];
      const std::string csv_label = "csv-label=";
      for (size_t i = 1; i < cmd.args.size(); ++i) {
        const std::string& a = cmd.args[i];
        if (a.compare(0, csv_label.size(), csv_label) == 0) spec.csv_label_column = a.substr(csv_label.size());
        else if (a.compare(0, 6, "count=") == 0) spec.count = std::atoi(a.c_str() + 6);  // checked when loaded
        else if (a.compare(0, 6, "train=") == 0) spec.train_count = std::atoi(a.c_str() + 6);
        else spec.labels_path = a;
      }
      if (!app_load_data(app, spec)) {
        script_refused(app, s, cmd, app.data_error);
        return false;
      }
      s.wait_newer = true;  // until the trainer has switched to the new data
      s.wait_version = app.snap->version, s.wait_commands = app.trainer->commands_sent();
      return true;
    }
    case ScriptOp::Rebuild:
      for (const std::string& a : cmd.args) {
        const std::string value = a.substr(a.find('=') + 1);
        ModelKind kind;
        ComparePair pair;
        if (a.compare(0, 5, "kind=") == 0) {  // the Model panel's mode and type
          app.edit.twin = value == "twin";
          if (!app.edit.twin && parse_model_kind(value, &kind)) app.edit.config.kind = kind;
        } else if (a.compare(0, 5, "pair=") == 0 && parse_choice(value, &pair)) {  // compare mode's pair
          app.edit.twin = true;
          app.edit.pair = pair;
        } else if (a.compare(0, 5, "arch=") == 0) {  // as the panel's Network combo does
          Architecture arch;
          if (parse_choice(value, &arch)) app_set_architecture(app, arch);
        } else if (a.compare(0, 7, "hidden=") == 0) {
          std::snprintf(app.edit.hidden, sizeof app.edit.hidden, "%s", value.c_str());
        } else {
          app.edit.config.latent = std::atoi(value.c_str());  // as typed: 0 or 1000000000 reach the check
        }
      }
      app_rebuild_models(app);
      if (!app.edit.error.empty()) {
        script_refused(app, s, cmd, app.edit.error);
        return false;
      }
      s.wait_newer = true;  // until the trainer has built the new models
      s.wait_version = app.snap->version, s.wait_commands = app.trainer->commands_sent();
      return true;
    case ScriptOp::Screenshot: app_request_screenshot(app, cmd.args[0]); return true;
    case ScriptOp::DumpProbe: {
      if (!pane_arg(app, s, cmd, &pane)) return true;
      probe_decode(app, pane);
      std::string error;
      const ModelPane& p = app.panes[pane];
      if (!write_png_rgba(cmd.args[1].c_str(), p.probe.rgba.data(), app.tile_w, app.tile_h, &error))
        script_fail(app, s, cmd, error);
      return false;
    }
    case ScriptOp::ColorBy: {
      const int factors = static_cast<int>(app.data->factor_names.size());
      int mode = -1;
      if (cmd.args[0] == "label") mode = 0;
      else if (cmd.args[0] == "error") mode = factors + 1;
      else if (cmd.args[0] == "jacobian") mode = point_color_last(app);
      for (int k = 0; k < factors; ++k)
        if (cmd.args[0] == app.data->factor_names[k]) mode = k + 1;
      if (mode < 0) {
        script_fail(app, s, cmd, "color-by: '" + cmd.args[0] + "' is not label, error, jacobian or a factor of " + app.data->name);
        return true;
      }
      app.view.color_by = mode;
      return false;
    }
    case ScriptOp::DumpHoles:
      if (!pane_arg(app, s, cmd, &pane)) return true;
      if (!hole_map_write(app, pane, cmd.args[1].c_str()))
        script_fail(app, s, cmd, "no hole map for model " + cmd.args[0] + " to write to " + cmd.args[1] + " (holes on? sync first)");
      return false;
    case ScriptOp::State:
      if (!app_write_state(app, cmd.args[0])) script_fail(app, s, cmd, "cannot write " + cmd.args[0]);
      return false;
    case ScriptOp::Quit: app.quit = true; return true;
    case ScriptOp::SessionSave:
    case ScriptOp::Autosave:
      if (!app.session.pending.empty()) {  // one save at a time (session_request_save): a timer's autosave
        script_fail(app, s, cmd, "a save is already under way");
        return true;
      }
      session_request_save(app, cmd.op == ScriptOp::Autosave ? session_autosave_path() : cmd.args[0], cmd.op == ScriptOp::Autosave);
      s.wait_save = true;
      return true;
    case ScriptOp::FailWrites: {
      double bytes = 0;
      if (!parse_number(cmd.args[0], &bytes) || bytes != std::floor(bytes) || bytes < -1)
        script_fail(app, s, cmd, "fail-writes takes a byte count (-1: off), not " + cmd.args[0]);
      else
        file_write_fail_after(static_cast<int64_t>(bytes));
      return false;
    }
    case ScriptOp::FailBuilds: {
      double count = 0;
      if (!parse_number(cmd.args[0], &count) || count != std::floor(count) || count < 0 || count > 100)
        script_fail(app, s, cmd, "fail-builds takes a count of builds from 0 (off) to 100, not " + cmd.args[0]);
      else
        trainer_fail_next_builds(static_cast<int>(count));
      return false;
    }
    case ScriptOp::SessionOpen:
      if (!session_open(app, cmd.args[0], true)) script_fail(app, s, cmd, app.data_error);  // as File > Open
      return false;
    case ScriptOp::SessionData:
      if (!session_answer_data(app, cmd.args[0] == "session")) script_fail(app, s, cmd, "no session is waiting for a choice of data");
      else if (!app.data_error.empty()) script_refused(app, s, cmd, app.data_error);
      return false;
    case ScriptOp::SessionResume:
      if (!session_answer_resume(app, cmd.args[0] == "yes")) script_fail(app, s, cmd, "no autosave is on offer");
      return false;
    case ScriptOp::LayoutCheck: {  // the rectangles of the frame just drawn
      FILE* f = std::fopen(cmd.args[0].c_str(), "w");
      if (!f) {
        script_fail(app, s, cmd, "cannot write " + cmd.args[0]);
        return true;
      }
      const ImVec2 size = ImGui::GetIO().DisplaySize;
      std::fprintf(f, "window=%.0fx%.0f\nscale=%.2f\nscale_asked=%.2f\n", size.x, size.y, app.ui_scale,
                   app.presenter.content_scale * app.presenter.scale);
      layout_check(app.layout, f);
      std::fclose(f);
      return false;
    }
    case ScriptOp::LayoutPlant: app.toolbar.plant_overlap = true; return false;
    case ScriptOp::UiScale:  // applied before the next frame; wait for it so that the next command sees it
      presenter_set_scale(app, std::strtof(cmd.args[0].c_str(), nullptr));
      s.wait_frames = 3;
      return true;
    case ScriptOp::Theme: presenter_set_theme(app, cmd.args[0] == "light"); return false;
    case ScriptOp::InsideTab: {
      const int tab = inside_tab_find(cmd.args[0].c_str());
      if (tab < 0) {
        char names[128];
        inside_tab_names(names, sizeof names);
        script_fail(app, s, cmd, std::string("inside-tab expects one of: ") + names);
        return true;
      }
      app.inside_tab = tab;
      return false;
    }
    case ScriptOp::Interp: {
      const int a = std::atoi(cmd.args[0].c_str()), b = std::atoi(cmd.args[1].c_str());
      if (a >= app.data->count || b >= app.data->count || a == b) {
        script_fail(app, s, cmd, "interp needs two different samples below " + std::to_string(app.data->count));
        return true;
      }
      interp_set_ends(app, a, b);
      return false;
    }
    case ScriptOp::InterpRandom:
      if (!interp_random_pair(app, cmd.args[0] == "same" ? kPairsSameLabel : kPairsDifferentLabels))
        script_fail(app, s, cmd, "no pair of samples satisfies the label rule");
      return false;
    case ScriptOp::InterpSteps: interp_set_steps(app, std::atoi(cmd.args[0].c_str())); return false;
    case ScriptOp::InterpPath: interp_set_slerp(app, choice_list<PathKind>().find(cmd.args[0]) == int(PathKind::Slerp)); return false;
    case ScriptOp::InterpT:
      app.interp.t = std::strtof(cmd.args[0].c_str(), nullptr);
      app.interp.playing = false;
      return false;
    case ScriptOp::InterpPlay: app.interp.playing = cmd.args[0] == "on"; return false;
    case ScriptOp::Holdout: {
      const int label = cmd.args[0] == "off" ? -1 : std::atoi(cmd.args[0].c_str());
      if (label == app.holdout_label) return false;
      if (!app_set_holdout(app, label)) {
        script_refused(app, s, cmd, app.data_error);
        return false;
      }
      s.wait_newer = true;  // until the trainer has switched to the new training split
      s.wait_version = app.snap->version, s.wait_commands = app.trainer->commands_sent();
      return true;
    }
    case ScriptOp::AnomalyScoreOp:
      if (!parse_choice(cmd.args[0], &app.view.anomaly_score))
        script_fail(app, s, cmd, "anomaly-score expects " + choice_list<AnomalyScore>().names(" or "));
      return false;
    case ScriptOp::DenoiseNoise:
      parse_choice(cmd.args[0], &app.view.denoise_noise);
      app.view.denoise_level = std::strtof(cmd.args[1].c_str(), nullptr);
      return false;
    case ScriptOp::FeedStroke:
      feed_stroke(app, std::strtof(cmd.args[0].c_str(), nullptr), std::strtof(cmd.args[1].c_str(), nullptr),
                  std::strtof(cmd.args[2].c_str(), nullptr), std::strtof(cmd.args[3].c_str(), nullptr));
      return false;
    case ScriptOp::FeedClear: feed_clear(app); return false;
    case ScriptOp::LinearProbeMeasure:  // every pane; `sync` waits for the results
      for (int p = 0; p < app.pane_count; ++p) linear_probe_measure(app, p);
      return false;
    case ScriptOp::RateDistortionMeasure:  // every pane; `sync` waits for the results
      for (int p = 0; p < app.pane_count; ++p) rate_distortion_measure(app, p);
      return false;
    case ScriptOp::EarlyStop: {
      const int patience = std::atoi(cmd.args[0].c_str());
      training_set_early_stop(app, patience > 0, patience > 0 ? patience : app.early_stop_patience);
      return false;
    }
    case ScriptOp::OverfitPreset: training_overfit_preset(app); return false;
    case ScriptOp::AnomalyQuantile:
      if (!pane_arg(app, s, cmd, &pane)) return true;
      anomaly_set_quantile(app, pane, std::strtof(cmd.args[1].c_str(), nullptr));
      return false;
    case ScriptOp::Nudge:
      app.view.sensitivity_size = std::strtof(cmd.args[0].c_str(), nullptr);
      parse_choice(cmd.args[1], &app.view.sensitivity_direction);
      return false;
    case ScriptOp::Arith: {
      ArithGroup a, b;
      if (!arith_parse_group(app, cmd.args[0], &a) || !arith_parse_group(app, cmd.args[1], &b)) {
        script_fail(app, s, cmd, "arith expects two groups, each label=N, FACTOR=LO:HI (a factor of the data) or selection (non-empty)");
        return false;
      }
      arith_set_groups(app, a, b);
      return false;
    }
    case ScriptOp::Export: {
      ExportKind kind;
      if (!parse_choice(cmd.args[0], &kind)) {
        script_fail(app, s, cmd, "export expects " + choice_list<ExportKind>().names(" | "));
        return true;
      }
      int model = 0, tiles = 0;
      for (size_t i = 2; i < cmd.args.size(); ++i) {
        const std::string& a = cmd.args[i];
        if (a.compare(0, 6, "model=") == 0) model = std::atoi(a.c_str() + 6);
        else if (a.compare(0, 6, "tiles=") == 0) tiles = std::atoi(a.c_str() + 6);
      }
      std::string error;
      if (!export_write(app, kind, model, cmd.args[1] == "-" ? "" : cmd.args[1], tiles, &error))
        std::fprintf(stderr, "latentlab: script: %s\n", error.c_str());
      if (kind == ExportKind::Window) s.wait_frames = 3;  // written after a later frame renders
      return kind == ExportKind::Window;
    }
    case ScriptOp::ExportFolder:
      std::snprintf(app.exports.folder, sizeof app.exports.folder, "%s", cmd.args[0].c_str());
      return false;
    case ScriptOp::BrowserFolder:  // the file browser's "Use this folder" (Export > Choose...) on PATH
      if (!file_browser_use_folder(app, cmd.args[0])) std::fprintf(stderr, "latentlab: script: %s\n", app.browser.list_error.c_str());
      return false;
    case ScriptOp::ArithStrength: arith_set_strength(app, std::strtof(cmd.args[0].c_str(), nullptr)); return false;
    case ScriptOp::ArithLasso: {
      ScriptCommand at = cmd;
      at.args.erase(at.args.begin());
      if (!pane_arg(app, s, at, &pane)) return false;
      std::vector<float> uv;
      for (size_t i = 2; i < cmd.args.size(); ++i) uv.push_back(std::strtof(cmd.args[i].c_str(), nullptr));
      arith_lasso_finish(app, pane, cmd.args[0] == "A" ? 1 : 2, uv);
      return false;
    }
    case ScriptOp::InterpPick: {
      if (!pane_arg(app, s, cmd, &pane)) return true;
      const ModelPane& p = app.panes[pane];
      const float x = std::strtof(cmd.args[1].c_str(), nullptr), y = std::strtof(cmd.args[2].c_str(), nullptr);
      int nearest = -1;
      float best = INFINITY;
      for (size_t i = 0; i * 2 < p.plane_xy.size(); ++i) {
        const float dx = p.plane_xy[2 * i] - x, dy = p.plane_xy[2 * i + 1] - y;
        if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, nearest = static_cast<int>(i);
      }
      if (p.codes_version == 0 || nearest < 0) {
        script_fail(app, s, cmd, "model " + cmd.args[0] + "'s map has no points yet (sync first)");
        return true;
      }
      if (app.interp.pick == 0) app.interp.pick = 1;
      interp_pick(app, nearest);
      return false;
    }
    case ScriptOp::DumpInterp: {
      if (!pane_arg(app, s, cmd, &pane)) return true;
      std::string error;
      if (!interp_write_strip(app, pane, cmd.args[1].c_str(), &error)) script_fail(app, s, cmd, error);
      return false;
    }
    case ScriptOp::InterpVerdict: s.wait_verdict = true; return true;
    case ScriptOp::WaitReadable:
      if (app.data->labels.empty()) {
        script_fail(app, s, cmd, "wait-readable needs labelled data");
        return true;
      }
      s.readable_target = cmd.args.empty() ? 0.8 : std::strtod(cmd.args[0].c_str(), nullptr);
      for (int p = 0; p < kMaxPanes; ++p) s.readable_checked[p] = 0, s.readable_seconds[p] = 0;
      return true;
    case ScriptOp::InterpPairs: interp_set_verdict_pairs(app, std::atoi(cmd.args[0].c_str())); return false;
    case ScriptOp::DumpInterpPairs:
      if (!interp_write_pairs(app, cmd.args[0].c_str())) script_fail(app, s, cmd, "cannot write " + cmd.args[0]);
      return false;
    case ScriptOp::SaveModels: {
      std::error_code ec;
      std::filesystem::create_directories(cmd.args[0], ec);
      for (size_t p = 0; p < app.snap->networks.size(); ++p) {
        std::string error;
        if (!network_save(app.snap->networks[p], cmd.args[0] + "/model" + std::to_string(p) + ".llnet", &error)) {
          script_fail(app, s, cmd, error);
          return true;
        }
      }
      return false;
    }
    case ScriptOp::MouseMap: {
      if (!pane_arg(app, s, cmd, &pane)) return true;
      const MapView& view = app.panes[pane].view;
      const float fx = std::strtof(cmd.args[1].c_str(), nullptr), fy = std::strtof(cmd.args[2].c_str(), nullptr);
      s.hovering = true;
      s.hover = ScriptInput{};
      s.hover.mouse = ImVec2(view.rect_min.x + fx * (view.rect_max.x - view.rect_min.x),
                             view.rect_min.y + fy * (view.rect_max.y - view.rect_min.y));
      return false;
    }
    case ScriptOp::RightClick: {  // hover, press, release the right button; the mouse stays there
      if (!pane_arg(app, s, cmd, &pane)) return true;
      const MapView& view = app.panes[pane].view;
      ScriptInput in;
      in.mouse = ImVec2(view.rect_min.x + std::strtof(cmd.args[1].c_str(), nullptr) * (view.rect_max.x - view.rect_min.x),
                        view.rect_min.y + std::strtof(cmd.args[2].c_str(), nullptr) * (view.rect_max.y - view.rect_min.y));
      for (bool down : {false, true, false}) {
        in.right_down = down;
        s.input.push_back(in);
      }
      s.hovering = true;
      s.hover = ScriptInput{};
      s.hover.mouse = in.mouse;
      return true;
    }
    case ScriptOp::UiType:
    case ScriptOp::UiClick:
    case ScriptOp::UiHover: {
      ImVec2 at;
      if (!control_centre(app, cmd.args[0], &at)) {
        script_fail(app, s, cmd, "no control '" + cmd.args[0] + "' drawn last frame (is its panel open?)");
        return true;
      }
      s.hovering = cmd.op == ScriptOp::UiHover;
      s.hover = ScriptInput{};
      s.hover.mouse = at;
      if (s.hovering) return false;
      const bool type = cmd.op == ScriptOp::UiType;
      queue_click(s, at, type);  // Ctrl+click: a slider's text field; no difference to a text field
      if (type) {
        ScriptInput in;
        in.mouse = at;
        in.ctrl = true;
        in.key = GLFW_KEY_A;  // select what is there, so TEXT replaces it
        s.input.push_back(in);
        in.ctrl = false;
        in.key = -1;
        s.input.push_back(in);
        for (unsigned char c : cmd.args[1]) {
          in.character = c;
          s.input.push_back(in);
        }
        in.character = 0;
        in.key = GLFW_KEY_ENTER;
        s.input.push_back(in);
        in.key = -1;
        s.input.push_back(in);
      }
      return true;
    }
    case ScriptOp::BrowserLabels:
      std::snprintf(app.browser.options.labels, sizeof app.browser.options.labels, "%s",
                    cmd.args[0] == "-" ? "" : cmd.args[0].c_str());
      return false;
    case ScriptOp::BrowserOpen:
      if (!file_browser_load(app, cmd.args[0])) {
        script_refused(app, s, cmd, app.data_error);
        return false;
      }
      s.wait_newer = true;  // until the trainer has switched to the new data
      s.wait_version = app.snap->version, s.wait_commands = app.trainer->commands_sent();
      return true;
    case ScriptOp::Set: {
      double value = 0;
      setting_value(cmd.args[0], cmd.args[1], &value);  // checked when loaded
      if (cmd.args[0] == "batch") {
        app.batch = static_cast<int>(value);
        t.set_batch_size(app.batch);
      } else if (cmd.args[0] == "lr") {
        training_set_rate(app, static_cast<float>(value));
      } else if (cmd.args[0] == "loss") {
        app.edit.config.loss = static_cast<OutputLoss>(static_cast<int>(value));
        return false;  // applies on the next rebuild: nothing to wait for
      } else if (cmd.args[0] == "init") {
        app.edit.config.init = static_cast<InitKind>(static_cast<int>(value));
        return false;
      } else {
        const HyperparamInfo* h = hyperparam_by_key(cmd.args[0].c_str());
        hyperparam_set(app.edit.config, h->id, value);
        if (!h->live) return false;  // applies on the next rebuild
        t.set_hyperparameter(h->id, value);
      }
      s.wait_newer = true;  // until the running models have it
      s.wait_version = app.snap->version, s.wait_commands = app.trainer->commands_sent();
      return true;
    }
    case ScriptOp::ModelDefaults: edit_defaults(app); return false;
    case ScriptOp::LessonsParse:
      for (const Lesson& l : lessons()) {
        Script parsed;
        std::string error;
        if (!lesson_parse(l, &parsed, &error)) {
          script_fail(app, s, cmd, error);
          return true;
        }
      }
      return false;
    case ScriptOp::Lesson:
    case ScriptOp::LessonShowMe:
    case ScriptOp::LessonClose:
    case ScriptOp::Welcome: {
      if (&s == &app.lesson_queue) {  // a lesson does not open lessons
        script_fail(app, s, cmd, "lesson commands are for test scripts, not for a lesson's own lines");
        return true;
      }
      std::string error;
      bool ok = true;
      if (cmd.op == ScriptOp::Lesson) ok = lesson_open(app, *find_lesson(cmd.args[0]), cmd.args.size() == 2, &error);
      else if (cmd.op == ScriptOp::LessonShowMe) ok = lesson_show_me(app, std::atoi(cmd.args[0].c_str()) - 1, &error);
      else if (cmd.op == ScriptOp::LessonClose) lesson_close(app);
      else app.lessons.welcome_requested = cmd.args[0] == "on", app.lessons.welcome_showing &= cmd.args[0] == "on";
      if (!ok) {
        script_fail(app, s, cmd, error);
        return true;
      }
      s.wait_lesson = cmd.op == ScriptOp::Lesson || cmd.op == ScriptOp::LessonShowMe;
      s.wait_frames = cmd.op == ScriptOp::Welcome ? 2 : 0;  // the popup opens on the next frame
      return s.wait_lesson || s.wait_frames > 0;
    }
  }
  return false;
}

// Seconds since the process started (the kernel's start time in /proc/self/stat, 10 ms steps): the
// dataset is built before the window opens, and a person waits for both.
static double seconds_since_launch() {
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {}  // field 22: starttime, clock ticks after boot
  timespec now{};
  clock_gettime(CLOCK_BOOTTIME, &now);
  return now.tv_sec + now.tv_nsec * 1e-9 - std::strtod(field.c_str(), nullptr) / sysconf(_SC_CLK_TCK);
}

// wait-readable: scores every map whose codes are new, notes when each first reached the target.
static bool maps_readable(AppState& app, Script& s) {
  const int held_out = std::min({app.data->test_count(), static_cast<int>(app.point_indices.size()), 1000});
  bool all = app.pane_count > 0;
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    if (s.readable_seconds[p] == 0 && pane.codes_version != 0 && pane.codes_version != s.readable_checked[p] &&
        static_cast<int>(pane.plane_xy.size()) >= 2 * held_out && !app.data->labels.empty()) {
      std::vector<int> labels(held_out);  // the held-out points come first among the map's points
      for (int i = 0; i < held_out; ++i) labels[i] = app.data->labels[app.point_indices[i]];
      s.readable_checked[p] = pane.codes_version;
      s.readable_accuracy[p] = knn_label_accuracy(pane.plane_xy.data(), labels.data(), held_out, 5);
      if (s.readable_accuracy[p] >= s.readable_target) {
        s.readable_seconds[p] = seconds_since_launch();
        s.readable_step[p] = app.snap->step;  // the codes lag the newest weights by at most a pass
      }
    }
    all &= s.readable_seconds[p] > 0;
  }
  return all;
}

// One queue's turn this frame: what its current command waits for, then commands until one waits.
static void queue_step(AppState& app, Script& s) {
  if (s.failed || s.commands.empty() || app.quit) return;
  if (!app.snap || app.pane_count == 0) return;  // the first snapshot has not been seen yet
  if (s.input_next < s.input.size()) {
    play_input(s.input[s.input_next++]);
    return;
  }
  s.input.clear();
  s.input_next = 0;
  if (s.hovering) play_input(s.hover);
  const ScriptCommand* current = s.next > 0 ? &s.commands[s.next - 1] : nullptr;
  // Whatever the current command waits for.
  if (s.wait_frames > 0) {
    --s.wait_frames;
    return;
  }
  if (!s.wait_file.empty()) {
    if (access(s.wait_file.c_str(), F_OK) != 0) {
      if (app.now - s.wait_started > kScriptTimeout) script_fail(app, s, *current, "timed out waiting for " + s.wait_file);
      return;
    }
    s.wait_file.clear();
  }
  if (s.wait_newer) {
    if (app.snap->version <= s.wait_version || app.snap->commands_applied < s.wait_commands) {
      if (app.now - s.wait_started > kScriptTimeout) script_fail(app, s, *current, "timed out waiting for the trainer");
      return;
    }
    s.wait_newer = false;
  }
  if (s.train_pending > 0) {
    app.trainer->step(s.train_pending);
    s.wait_step = app.snap->step + s.train_pending;
    s.wait_version = app.snap->version;
    s.train_pending = 0;
    s.wait_started = app.now;
    return;
  }
  if (s.wait_step >= 0) {
    // Early stopping may pause the trainer before the step (a snapshot newer than the command says so).
    const bool stopped_early = app.snap->early_stopped && app.snap->version > s.wait_version;
    if ((app.snap->step < s.wait_step && !stopped_early) || app.snap->running) {
      if (app.now - s.wait_started > kScriptTimeout) script_fail(app, s, *current, "timed out waiting for training");
      return;
    }
    s.wait_step = -1;
    s.wait_sync = true;
    s.wait_started = app.now;
  }
  if (s.wait_sync) {
    if (!views_in_sync(app)) {
      if (app.now - s.wait_started > kScriptTimeout) script_fail(app, s, *current, "timed out waiting for the views");
      return;
    }
    s.wait_sync = false;
  }
  if (s.readable_target > 0) {
    if (!maps_readable(app, s)) {
      if (app.now - s.wait_started > kScriptTimeout) script_fail(app, s, *current, "timed out waiting for readable maps");
      return;
    }
    std::printf("latentlab: maps readable (held-out 5-NN accuracy >= %.2f):", s.readable_target);
    for (int p = 0; p < app.pane_count; ++p)
      std::printf(" %s %.2f s step %lld (%.3f)", model_kind_name(app.panes[p].kind), s.readable_seconds[p],
                  static_cast<long long>(s.readable_step[p]), s.readable_accuracy[p]);
    std::printf("\n");
    std::fflush(stdout);
    s.readable_target = 0;
  }
  if (s.wait_verdict) {
    if (!interp_verdict_ready(app)) {
      if (app.now - s.wait_started > kScriptTimeout) script_fail(app, s, *current, "timed out waiting for the verdict");
      return;
    }
    s.wait_verdict = false;
  }
  if (s.wait_lesson) {  // lesson / lesson-show-me: the lesson's queue has run, or failed (then so does this)
    Script& lesson = app.lesson_queue;
    if (!lesson.error.empty()) {
      script_fail(app, s, *current, "the lesson's own command failed: " + lesson.error);
      return;
    }
    if (script_busy(lesson)) {
      if (app.now - s.wait_started > kScriptTimeout) script_fail(app, s, *current, "timed out waiting for the lesson");
      return;
    }
    s.wait_lesson = false;
  }
  if (s.wait_save) {  // the trainer's capture, then the write (gui_session.cpp's session_update)
    if (!app.session.pending.empty()) {
      if (app.now - s.wait_started > kScriptTimeout) script_fail(app, s, *current, "timed out waiting for the save");
      return;
    }
    s.wait_save = false;
  }
  while (s.next < s.commands.size()) {
    const ScriptCommand& cmd = s.commands[s.next++];
    s.wait_started = app.now;
    if (script_run(app, s, cmd)) return;
    if (s.commands.empty()) return;  // a lesson's queue that failed was cleared
  }
}

void script_step(AppState& app) {
  queue_step(app, app.script);
  queue_step(app, app.lesson_queue);
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

bool app_write_state(const AppState& app, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return false;
  const Dataset& d = *app.data;
  std::fprintf(f, "dataset=%s\n", app.data_spec.source.c_str());
  std::fprintf(f, "data_error=%s\n", app.data_error.c_str());
  std::fprintf(f, "holdout=%d\n", app.holdout_label);
  std::fprintf(f, "data_warnings=%d\n", static_cast<int>(d.warnings.size()));
  for (const std::string& w : d.warnings) std::fprintf(f, "data_warning=%s\n", w.c_str());
  std::fprintf(f, "labels=%d\nlegend_labels=%d\n", app.label_total,
               std::min(static_cast<int>(app.label_counts.size()), kMaxLegendLabels));
  std::fprintf(f, "model_error=%s\n", app.edit.error.c_str());
  std::fprintf(f, "samples=%d\ntrain=%d\nfeatures=%d\n", d.count, d.train_count, d.features());
  std::fprintf(f, "points=%d\n", static_cast<int>(app.point_indices.size()));
  std::fprintf(f, "step=%lld\nrunning=%d\nversion=%llu\n", static_cast<long long>(app.snap->step), app.snap->running ? 1 : 0,
               static_cast<unsigned long long>(app.snap->version));
  std::fprintf(f, "models=%d\nin_sync=%d\nedit_hidden=%s\n", app.pane_count, views_in_sync(app) ? 1 : 0,
               app.edit.hidden);
  std::fprintf(f, "compare=%d\npair=%s\n", app.edit.twin ? 1 : 0, choice_name(app.edit.pair));
  std::fprintf(f, "ui_scale=%.2f\npresenter=%d\n", app.ui_scale, app.presenter.on ? 1 : 0);
  std::fprintf(f, "manifold=%d\nprior=%d\nlink=%d\n", app.view.show_manifold, app.view.show_prior, app.view.link_probes);
  std::fprintf(f, "points_shown=%d\nmanifold_grid=%s\n", app.view.show_points, choice_name(app.view.manifold_grid));
  std::fprintf(f, "selected=");
  for (int i = 0; i < app.selected_count; ++i) std::fprintf(f, "%s%d", i ? "," : "", app.selected[i]);
  std::fprintf(f, "\n");
  // The PCA map (views/pca_map.h): which pane it is, what it keeps, a linear AE's angle to it.
  std::fprintf(f, "pca.error=%s\npca.kept=%.4f\n", app.pca.error.c_str(), app.pca.kept);
  for (int p = 0; p < 2; ++p) std::fprintf(f, "pca.match%d=%.2f\n", p, app.pca.match_degrees[p]);
  for (int p = 0; p < app.pane_count; ++p) std::fprintf(f, "pane%d.pca=%d\n", p, app.panes[p].pca ? 1 : 0);
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    std::fprintf(f, "pane%d.kind=%s\n", p, model_kind_name(pane.kind));
    std::fprintf(f, "pane%d.latent=%d\n", p, pane.latent);
    if (p < static_cast<int>(app.snap->networks.size())) {
      const ModelConfig& c = app.snap->networks[size_t(p)].config;
      std::fprintf(f, "pane%d.arch=%s\npane%d.encoder_layers=%zu\n", p, choice_name(c.arch), p,
                   app.snap->networks[size_t(p)].encoder.size());
    }
    std::fprintf(f, "pane%d.step_ms=%g\n", p,
                 p < static_cast<int>(app.snap->step_ms.size()) ? app.snap->step_ms[size_t(p)] : 0.0);
    std::fprintf(f, "pane%d.codes_version=%llu\n", p, static_cast<unsigned long long>(pane.codes_version));
    std::fprintf(f, "pane%d.probe=%g,%g\n", p, pane.probe.uv[0], pane.probe.uv[1]);
    std::fprintf(f, "pane%d.view=%g,%g,%g\n", p, pane.view.center[0], pane.view.center[1], pane.view.half_extent);
    std::fprintf(f, "pane%d.follow=%d\n", p, pane.view.follow_data ? 1 : 0);
    std::fprintf(f, "pane%d.plane=%s\n", p, pane.plane.mode == PlaneMode::Pca ? "pca" : "dims");
    std::fprintf(f, "pane%d.manifold_tiles=%dx%d\n", p, pane.manifold.cols, pane.manifold.rows);
    // Screen rectangles as "x y w h" in pixels, for tests that compare regions of screenshots.
    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    auto rect = [&](const char* name, ImVec2 a, ImVec2 b) {
      std::fprintf(f, "pane%d.%s=%d %d %d %d\n", p, name, static_cast<int>(a.x * scale.x), static_cast<int>(a.y * scale.y),
                   static_cast<int>((b.x - a.x) * scale.x), static_cast<int>((b.y - a.y) * scale.y));
    };
    rect("map_rect", pane.view.rect_min, pane.view.rect_max);
    rect("probe_rect", pane.probe.rect_min, pane.probe.rect_max);
    // The header's loss line as drawn, and the numbers it comes from (the newest training point).
    char header[160];
    if (pane_loss_header(app, p, header, sizeof header) && p < static_cast<int>(app.snap->history.size())) {
      const LossParts& l = app.snap->history[p].train.back().parts;
      std::fprintf(f, "pane%d.header=%s\n", p, header);
      std::fprintf(f, "pane%d.loss_parts=%.9g %.9g %.9g\n", p, l.total, l.recon, l.penalty);
      std::fprintf(f, "pane%d.beta=%g\n", p, app.snap->networks[p].config.beta);
    }
    // The probe's arrow at the map's edge: its tip and direction, and the probe on screen (pixels).
    ImVec2 tip, dir, probe;
    if (probe_edge_arrow(app, p, &tip, &dir, &probe)) {
      std::fprintf(f, "pane%d.probe_arrow=%.1f %.1f %.4f %.4f\n", p, tip.x * scale.x, tip.y * scale.y, dir.x, dir.y);
      std::fprintf(f, "pane%d.probe_screen=%.1f %.1f\n", p, probe.x * scale.x, probe.y * scale.y);
    } else {
      std::fprintf(f, "pane%d.probe_arrow=none\n", p);
    }
  }
  // The Training panel: the rate in the field and in use, and the events line as shown.
  std::fprintf(f, "batch=%d\n", app.batch);
  std::fprintf(f, "rate=%g\nrate_field=%g\nrate_in_use=", app.lr, app.lr_field);
  for (size_t i = 0; i < app.snap->learning_rates.size(); ++i)
    std::fprintf(f, "%s%g", i ? "," : "", app.snap->learning_rates[i]);
  std::fprintf(f, "\n");
  // Early stopping: the switch, and each model's best held-out step, its loss and the newest one.
  std::fprintf(f, "early_stop=%d\nearly_stop_patience=%d\nearly_stopped=%d\n", app.early_stop ? 1 : 0,
               app.early_stop_patience, app.snap->early_stopped ? 1 : 0);
  for (size_t i = 0; i < app.snap->best_step.size() && i < app.snap->history.size(); ++i) {
    const std::vector<LossPoint>& test = app.snap->history[i].test;
    double best = 0;
    for (const LossPoint& pt : test)
      if (pt.step == app.snap->best_step[i]) best = pt.parts.total;
    std::fprintf(f, "model%zu.best_step=%lld\nmodel%zu.heldout_best=%g\nmodel%zu.heldout_last=%g\nmodel%zu.heldout_epochs=%zu\n", i,
                 static_cast<long long>(app.snap->best_step[i]), i, best, i, test.empty() ? 0.0 : test.back().parts.total, i,
                 test.size());
  }
  const std::vector<TrainerEvent>& events = app.snap->events;
  for (size_t i = events.size() - std::min<size_t>(kEventsShown, events.size()); i < events.size(); ++i)
    std::fprintf(f, "event=step %lld: %s\n", static_cast<long long>(events[i].step), events[i].message.c_str());
  std::fprintf(f, "browser_labels=%s\n", app.browser.options.labels);
  // The last save's or open's outcome (File menu), and whether a save still waits for the trainer.
  std::fprintf(f, "session_status=%s\nsession_pending=%d\n", app.session.status.c_str(), app.session.pending.empty() ? 0 : 1);
  // The left column's controls last frame, and those without a tooltip text.
  const ControlsSeen& seen = app.controls_seen;
  std::fprintf(f, "controls=%d\ncontrols_dropped=%d\ncontrols_without_help=", seen.count, seen.dropped);
  for (int i = 0, n = 0; i < seen.count; ++i)
    if (!seen.items[i].has_help) std::fprintf(f, "%s%s", n++ ? "," : "", seen.items[i].key);
  std::fprintf(f, "\n");
  for (int i = 0; i < seen.count; ++i)
    std::fprintf(f, "control=%s\n", seen.items[i].key);
  // Where each control was drawn, "x y w h" in pixels, for tests that look at it in a screenshot
  // (the data panel's sample grid: data_grid).
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  for (int i = 0; i < seen.count; ++i) {
    const ControlSeen& c = seen.items[i];
    std::fprintf(f, "control_rect.%s=%d %d %d %d\n", c.key, static_cast<int>(c.min.x * fb.x), static_cast<int>(c.min.y * fb.y),
                 static_cast<int>((c.max.x - c.min.x) * fb.x), static_cast<int>((c.max.y - c.min.y) * fb.y));
  }
  interp_write_state(app, f);
  hole_map_write_state(app, f);
  decoder_jacobian_write_state(app, f);
  manifold_write_state(app, f);
  point_colors_write_state(app, f);
  kl_view_write_state(app, f);
  anomaly_view_write_state(app, f);
  denoise_view_write_state(app, f);
  colourise_view_write_state(app, f);
  linear_probe_write_state(app, f);
  rate_distortion_write_state(app, f);
  feed_view_write_state(app, f);
  units_view_write_state(app, f);
  sensitivity_view_write_state(app, f);
  factors_view_write_state(app, f);
  arith_view_write_state(app, f);
  lessons_write_state(app, f);
  strips_write_state(app, f);
  traversal_write_state(app, f);
  export_write_state(app, f);
  session_write_state(app, f);
  shortcuts_write_state(app, f);
  return std::fclose(f) == 0;
}
