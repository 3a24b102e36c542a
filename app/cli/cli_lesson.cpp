// `latentlab lesson`: each guided lesson's claim, measured headless (core/lessons/lesson_checks.h).
//   latentlab lesson --list                 the lessons, their claims and thresholds
//   latentlab lesson NAME                   the lesson's set-up (as flags) and what its check measures
//   latentlab lesson NAME --check [--json]  trains the set-up with its fixed seeds and prints the figures
//                                           against their thresholds: exit 0 when the phenomenon shows,
//                                           1 when it does not, 2 for bad usage
#include <cstdio>
#include <string>

#include "cli.h"
#include "io/file_input.h"
#include "lessons/lesson_checks.h"

namespace {

const char* direction_name(ClaimDirection d) { return d == ClaimDirection::Above ? "above" : "below"; }

std::string claims_json(const LessonCheck& c, const LessonResult* r) {
  std::string list;
  for (size_t i = 0; i < c.claims.size(); ++i) {
    const LessonClaim& claim = c.claims[i];
    JsonObject o;
    o.add_string("key", claim.key).add_string("what", claim.what).add_string("direction", direction_name(claim.direction));
    o.add("threshold", claim.threshold);
    if (r) o.add("value", r->figures[i]).add("holds", bool(r->holds[i]));
    list += (list.empty() ? "" : ",") + o.text();
  }
  return "[" + list + "]";
}

void print_lesson(const LessonCheck& c, bool json) {
  if (json) {
    JsonObject o;
    o.add_string("lesson", c.name).add_string("phenomenon", c.phenomenon).add_string("settings", lesson_settings_text(c));
    o.add("claims", claims_json(c, nullptr)).add_string("note", c.note);
    std::printf("%s\n", o.text().c_str());
    return;
  }
  std::printf("%s: %s\n  settings: %s\n", c.name, c.phenomenon, lesson_settings_text(c).c_str());
  for (const LessonClaim& claim : c.claims)
    std::printf("  claim: %s %s %g (%s)\n", claim.key, claim.direction == ClaimDirection::Above ? ">" : "<",
                claim.threshold, claim.what);
  if (*c.note) std::printf("  note: %s\n", c.note);
}

}  // namespace

int cli_lesson(int argc, char** argv) {
  CliArgs args("latentlab lesson",
               "Each guided lesson's claim, measured: `lesson NAME --check` trains the lesson's set-up headless with\n"
               "fixed seeds and prints the figures that show its phenomenon against their thresholds; exit 0 when it\n"
               "shows, 1 when it does not (the lesson is not shipped at those settings), 2 for bad usage.\n"
               "usage: latentlab lesson --list | latentlab lesson NAME [--check] [--json] [--seed N] [--epochs N] [--hidden W] [--latent N] [--lr R]\n"
               "       latentlab lesson NAME --check --load SESSION   (a saved session's models, not trained here)\n"
               "lessons: " + lesson_check_names());
  args.add_switch("list", "list the lessons, each with its claims and thresholds");
  args.add_switch("check", "train the lesson's set-up and measure its claim");
  args.add_switch("json", "print one JSON object per lesson instead of the lines");
  args.add("seed", "N", "", "replace every seed of the set-up (models, data) by N: how robust is the claim?");
  args.add("epochs", "N", "", "replace the set-up's epochs by N, to explore (0: untrained models)");
  args.add("hidden", "W[,W...]", "", "replace every model's hidden widths (\"none\": no hidden layer), to explore");
  args.add("latent", "N", "", "replace every model's code size, to explore");
  args.add("lr", "R", "", "replace the set-up's learning rate (Adam) by R, to explore");
  args.add("load", "SESSION", "", "measure the models of a saved session (a lesson's bundled one) instead of training");
  std::string name;
  if (argc > 0 && std::string(argv[0]).rfind("--", 0) != 0) {
    name = argv[0];
    --argc;
    ++argv;
  }
  if (!args.parse(argc, argv)) return 0;
  const bool json = args.flag("json");
  if (args.flag("list")) {
    if (!name.empty() || args.flag("check"))
      throw UsageError("latentlab lesson: --list takes no lesson name and no --check");
    for (const LessonCheck& c : lesson_checks()) print_lesson(c, json);
    return 0;
  }
  if (name.empty())
    throw UsageError("latentlab lesson: name a lesson (" + lesson_check_names() + ") or give --list");
  const LessonCheck* check = lesson_check_find(name);
  if (!check)
    throw UsageError("latentlab lesson: no lesson '" + name + "' (lessons: " + lesson_check_names() + ")");
  LessonCheckOptions options;
  if (args.given("seed")) options.seed = uint64_t(args.integer("seed", 1, (1ll << 53)));
  if (args.given("epochs")) options.epochs = args.integer("epochs", 0, 100000);
  if (args.given("hidden")) {
    options.replace_hidden = true;
    options.hidden = hidden_from_flags(args, kMaxLayerWidth);
  }
  if (args.given("latent")) options.latent = args.integer("latent", 1, kMaxLayerWidth);
  if (args.given("lr")) options.lr = float(args.real("lr", 1e-6, 1.0));
  const bool explores = args.given("seed") || args.given("epochs") || args.given("hidden") || args.given("latent") ||
                        args.given("lr");
  if (args.given("load")) {
    if (explores) throw UsageError("latentlab lesson: --load measures a session as it is; it takes no --seed, --epochs, --hidden, --latent or --lr");
    options.session = args.str("load");
  }
  if (!args.flag("check")) {
    if (explores || args.given("load"))
      throw UsageError("latentlab lesson: --seed, --epochs, --hidden, --latent, --lr and --load apply to --check only");
    print_lesson(*check, json);
    return 0;
  }
  const LessonResult r = lesson_check_run(*check, options);
  if (json) {
    JsonObject o;
    o.add_string("lesson", check->name).add("shows", r.shows).add_string("phenomenon", check->phenomenon);
    o.add("claims", claims_json(*check, &r));
    JsonObject details;
    for (const auto& d : r.details) details.add(d.first, d.second);
    o.add("details", details.text())
        .add_string("settings", options.session.empty() ? lesson_settings_text(*check, options)
                                                        : "the models and data of " + printable_path(options.session));
    o.add_string("note", check->note).add("cpu_seconds", r.cpu_seconds);
    std::printf("%s\n", o.text().c_str());
  } else {
    std::printf("%s\n", lesson_result_line(*check, r).c_str());
  }
  return r.shows ? 0 : 1;
}
