// The tooltips' table (see gui_help.h). Each text says what the control is, then what to watch for:
// what changes on the maps, the curves or the images when it moves, and where it goes wrong.
#include "gui_help.h"

#include <cstring>

#include "gui_state.h"

namespace {
struct HelpEntry {
  const char* key;
  const char* text;
};

const HelpEntry kHelp[] = {
    // Menu bar
    {"file_menu",
     "Sessions: Save (Ctrl+S) keeps the whole run (models, training state, data, view) to carry on exactly later; "
     "Open (Ctrl+O) takes a session, a .llnet or a .safetensors model (also the pytorch/examples VAE), or data; "
     "Open Recent; the autosave interval. The app autosaves every few minutes and on close."},
    {"export_menu",
     "Save what you see: the decoded manifold at the resolution you choose, interpolation strips, samples, "
     "reconstructions, traversals or the whole window as PNG; every sample's code (mu and sigma for a VAE) or the "
     "loss history as CSV. Files go to the folder below; a line at the foot of the window says where each went. Right-click a map or "
     "the row under it for that view's exports."},
    {"export_folder", "Where the Export menu and the right-click menus write their files. It is made when the first file goes there."},
    {"export_folder_choose", "Pick the export folder in the file browser: go into a folder, then Use this folder."},
    {"export_tiles",
     "The decoded manifold's tiles per side: the image is decoded afresh at this resolution from the newest weights "
     "(more tiles: a finer picture of what each region of the plane decodes to)."},
    {"help_menu", "The keyboard shortcuts (F1 or ?) and what this app is."},
    // The session prompts (gui_session.cpp)
    {"session_resume", "Opens the last autosave: the models, their training state and the view, at the step it was saved."},
    {"session_fresh", "Starts with new models. The autosave stays on disk until the next autosave replaces it."},
    {"session_data_load",
     "Loads the data the session was trained on, then the session: training goes on exactly where it was saved."},
    {"session_data_keep",
     "Opens the session on the data loaded now. Its models must take this data's shape; training then goes on from "
     "the saved step on other samples, so it is no longer the run that was saved."},
    {"session_data_cancel", "Leaves everything as it is: the session is not opened."},
    {"lessons_menu",
     "Guided lessons: each sets up the data, the models and the views that show one idea, with steps to follow, "
     "what to notice, and a question to check yourself."},
    // The lesson panel (gui_lessons.cpp)
    {"lesson_show_me",
     "Does this step for you: moves the probe, picks the pair, switches on the view or sets the value the step "
     "talks about. The models keep training."},
    {"lesson_answer", "Shows the answer to the question above. Try answering it out loud first."},
    {"lesson_reset",
     "Sets the whole lesson up again: the data, fresh models (or the bundled trained session) and the views. "
     "Anything you changed since is undone."},
    {"lesson_close", "Closes this panel and opens the Data and Model panels again. The models and views stay as they are."},
    // Data panel
    {"dataset",
     "The data both models learn from. Digits are the classic; sprites and faces are made from known factors "
     "(position, scale, rotation; smile, eyes), so you can look for those factors in the map. Picking another "
     "set rebuilds the models."},
    {"open_file",
     "Load your own data: an IDX file (the MNIST family), a folder of images with one sub-folder per label, or a "
     "CSV. A bad file shows its error here and the data you had stays loaded. (Ctrl+O)"},
    {"dismiss_data_error", "Hide this message. The data that is loaded does not change."},
    {"data_grid", "A few samples of the data. Click one to ring it on every map (shift-click adds more)."},
    {"clear_selection", "Forget the selected samples: their rings, and a VAE's sigma ellipses, leave the maps."},
    // Model panel
    {"mode_twin",
     "Two models of the same shape, trained on the same batches from the same seed: any difference between the "
     "two maps comes from what sets them apart. Pick the pair below; the default is a plain AE and a VAE."},
    {"kinds_summary",
     "What each running model is for, its loss with the latest training value of each term, and how long one of "
     "its training steps takes on this machine: the contractive penalty's Jacobian makes its steps the slowest."},
    {"pair",
     "Which two models to compare: the plain AE against the VAE, the denoising, the contractive or the sparse "
     "AE, or a narrow code against a wide one (no hidden layer, 64 units). Hover a row for what it shows. "
     "Applies on Rebuild."},
    {"mode_single", "One model of the type chosen below, e.g. a sparse or a denoising autoencoder."},
    {"kind",
     "Which autoencoder to train. Each adds one idea to the plain one: a penalty for busy codes (sparse), "
     "corrupted inputs (denoising), a penalty on how much the code moves with the input (contractive), or codes "
     "drawn from a distribution pulled towards N(0, I) (variational). Applies on Rebuild."},
    {"hidden",
     "Widths of the encoder's hidden layers, input side first, e.g. 400,200; the decoder mirrors them. Wider or "
     "deeper layers reconstruct better but train slower, and can memorise a small dataset. Applies on Rebuild."},
    {"latent",
     "How many numbers each image is squeezed into. With 2 the map is the whole code; with more it shows two "
     "chosen dimensions or the PCA plane, and reconstructions get sharper while the map tells less. Applies on "
     "Rebuild."},
    {"arch",
     "The network's layers. MLP: dense layers of the widths under Hidden. Conv: two 3x3 convolutions of "
     "stride 2 (32 and 64 channels) that see pixels next to each other, then one dense layer (Hidden) and the "
     "code; the decoder mirrors it with transposed convolutions. Pooled: the ACAI paper's deeper network, "
     "3x3 convolutions of stride 1 with 2x2 average pooling between scales and no dense layer when the code "
     "fills its last grid (32x32 images: a latent of 64); about ten times Conv's work per image. Conv and "
     "Pooled need image data and train slower per step. Applies on Rebuild."},
    {"activation",
     "The non-linearity between layers. ReLU trains fastest, but a high learning rate can kill its units for "
     "good (the codes collapse); Leaky ReLU and ELU cannot die; sigmoid and tanh saturate and learn slowly. "
     "Applies on Rebuild."},
    {"seed",
     "Where the random weights and the batch order start. The same seed replays the same run; change it to see "
     "how much of what you see is chance. Applies on Rebuild."},
    // The hyperparameters' tooltips are in their table (core/models/kinds.h), under the same keys.
    {"rebuild",
     "New weights for the settings above, and the loss history starts over. Settings marked 'applied at once' "
     "do not need it."},
    // Training panel
    {"train", "Train continuously in the background; the maps, the probe and the samples follow the weights."},
    {"pause", "Stop training. Everything on screen stays there to explore."},
    {"step",
     "While paused, take this many steps and stop, to watch the map move a little at a time. Right-click to "
     "change how many."},
    {"reset",
     "Back to the seed's random weights: the same run starts over and the history is cleared. The way out "
     "after a collapse, once the learning rate is lower."},
    {"rate",
     "Adam's learning rate, applied at once. 1e-3 is safe; towards 1e-2 training is faster but noisy; at 0.1 "
     "the codes usually collapse to a few points (a warning appears below). Ctrl+click to type a value: it is "
     "applied when you press Enter or leave the field."},
    {"batch",
     "Samples per step. Larger batches make smoother loss curves and fewer steps per epoch; smaller ones make "
     "noisier but more frequent updates."},
    // Loss panel
    {"log_scale",
     "A logarithmic loss axis, so the slow improvements late in training stay visible after the big early "
     "drop."},
    // Toolbar (gui_toolbar.cpp)
    {"view_options",
     "The map and view switches, in a menu: at this size and UI scale they would take more than three lines "
     "above the maps."},
    {"holes",
     "Under the points: how empty the latent space is at every point of the plane, i.e. how far its nearest "
     "training codes are, in units of the same distance around real held-out samples (1 = as crowded as the "
     "data; bright = emptier than around 95% of them: no data was ever encoded there, so the decoder never "
     "learned it). Latent > 2: the plane shown, other coordinates at the codes' mean."},
    {"decoder_j",
     "Under the points, in place of the hole map: how fast the decoded image changes as the code moves, the "
     "decoder's Jacobian norm ||dx/dz||_F at every point of the plane (exact, not a finite difference). Bright: a "
     "small step on the map changes the image a lot (the map is stretched there, often between clusters); dark: "
     "the decoder barely moves. Up to 16 code units the full norm; wider codes, along the plane's 2 directions. "
     "A contractive AE is about the encoder: colour the points by encoder ||J||_F to compare the pair on it, "
     "and use this layer to see what its decoder does in exchange."},
    {"inside_vae",
     "Under each map, in place of the strips (narrow panes show its parts as tabs): for a VAE the KL of every "
     "latent dimension (nats, largest first; a dimension above 0.01 nats is "
     "an active unit, one below says the same for every input), a warning when none is active (posterior "
     "collapse), the KL warm-up's state, and the beta trade-off: reconstruction against KL, one point per "
     "beta you have trained with. Move beta in the Model panel and watch the current point travel. Click a "
     "point: every pane shows its traversals, each dimension swept across +-3 sigma, collapsed ones struck through."},
    {"anomaly",
     "Under each map, in place of the strips: an anomaly score of every held-out sample on the map (-ELBO for "
     "a VAE, reconstruction error for an AE, or the score chosen beside the switch), its histogram, the "
     "share above the threshold, and the most anomalous samples (top) beside their reconstructions "
     "(bottom). On the map, the points above the threshold are ringed."},
    {"factors",
     "Under each map, on data with true factors (sprites, faces): how much each latent dimension knows about each "
     "factor (mutual information over the factor's entropy, brighter = more; the best dimension of each factor "
     "framed), each factor's gap and the MIG, the disentanglement score of latentlab train --json. A factor "
     "held by one dimension alone gives a bright cell in a dark row and a large gap."},
    {"arithmetic",
     "Latent arithmetic: pick group A and group B in the left column (a label, a range of a factor, or the "
     "points you selected); A's mean code minus B's is the attribute vector (the arrow on the map). Under each "
     "map, the chosen sample (the first selected, else a point of B) decoded with the vector added at "
     "strengths -1 to 2, and at the panel's strength, framed. Works for the AE too: compare the two."},
    {"arith_group", "What makes up the group: one label, a range of a true factor, or the samples selected on the map."},
    {"arith_label", "The label whose samples form the group."},
    {"arith_factor", "The true factor whose range selects the group."},
    {"arith_range", "The factor's range: samples with the factor between these values are in the group (drag, or Ctrl+click to type)."},
    {"arith_take_selection", "The samples selected now (click points on a map, shift-click to add) become the group."},
    {"arith_lasso",
     "Draw the group on a map: press Lasso, then drag around the points you want on either map and let go; "
     "the points inside become the group. Esc cancels."},
    {"arith_strength",
     "How much of the attribute vector is added to the sample's code: 0 is the sample's own decoding, 1 adds "
     "the whole difference of the groups' means, negative values take it away. The framed tile follows it."},
    {"anomaly_score",
     "Which anomaly score to measure (latentlab anomaly --score): a score that needs a VAE (-ELBO, KL) falls "
     "back to reconstruction error on an AE's pane."},
    {"holdout_label",
     "Train without this label (latentlab anomaly --holdout-label K): its training samples are left out, the "
     "held-out split keeps its own, and the models start again. The Anomaly view then shows how well its "
     "score finds the held-out label: the ROC curve and its AUC (0.5 = chance, below 0.5 = the label looks "
     "more familiar than the rest)."},
    {"anomaly_threshold",
     "Samples scoring above this are called anomalous (ringed on the map). It starts at the 95th percentile "
     "of the held-out scores; once moved, it stays where you put it."},
    {"denoise",
     "Under each map, in place of the strips: held-out samples corrupted with the noise chosen beside the "
     "switch, each as noisy input (top), this model's reconstruction (middle) and the clean original "
     "(bottom), with the PSNR of the first two against the original (higher is closer). Both panes get the "
     "same noisy inputs. Right: PSNR against noise level for both models (bold: this pane's; dashed: the "
     "noisy input itself). A denoising AE trained with the same noise should sit above the plain AE."},
    {"denoise_noise",
     "How the held-out samples are corrupted (the noises a denoising AE trains with): Gaussian adds noise of "
     "this standard deviation, masking zeroes each value with this probability, salt-and-pepper sets it to 0 "
     "or 1. The curve is measured for this kind at every level."},
    {"denoise_level",
     "How strong the noise is: the triptychs show this level, and a line marks it on the curve."},
    {"colourise",
     "Under each map on colour data, in place of the strips: held-out samples turned grey (every pixel's "
     "channels set to its luminance), each as grey input (top), this model's output for it (middle) and the "
     "colour original (bottom), with the PSNR of the first two against the original; the caption gives both "
     "over 256 held-out samples. A denoising AE trained with noise Drop colour learns to put the colour "
     "back and should beat the grey input; a model trained on colour inputs was never shown grey ones."},
    {"linear_probe",
     "Under each map, in place of the strips: how much of the labels a linear classifier can read off the code. "
     "Measure trains a softmax classifier on the frozen features of the training split and scores it on the "
     "held-out split, for the raw pixels, PCA to this model's code size and this model's code (5-NN accuracy "
     "beside it), as latentlab train --json's linear_probe_accuracy does. It runs in the background from the "
     "newest weights (the raw pixels take seconds) and is kept until you measure again."},
    {"rate_distortion",
     "Under each map, in place of the strips: compression as a trade. Across, the bytes sent per image (log "
     "scale): a code of k numbers is 4k bytes as float32, a JPEG is its file. Up, the held-out PSNR of what the "
     "other side decodes (higher is closer). PCA at every code size, JPEG over qualities (the file, and its "
     "scan without the headers), this model's point at its code size, and every point measured earlier on "
     "these data. Change the code size, retrain and measure again to draw the model's curve. Measure runs "
     "in the background from the newest weights and is kept until you measure again."},
    {"feed",
     "Under each map, in place of the strips: inputs no training set holds (uniform noise, a blank image, a "
     "held-out sample inverted, an image of another built-in set, and a canvas you draw on) beside a held-out "
     "sample, each over this model's reconstruction and its error. The risk of copying: an autoencoder that "
     "has learned to copy rebuilds noise about as well as the sample; one that describes the data rebuilds it "
     "as something like the data. Every model the app trains has a code smaller than the input (the widest is 64 "
     "units), so here noise is always rebuilt far worse than the sample. Measured with latentlab train (README, "
     "the copy risk): even an overcomplete AE (--hidden none --latent 1024) copies noise only in part: better "
     "than an undercomplete one with --loss mse --init torch, worse under the defaults, never nearly as well "
     "as digits."},
    {"early_stop",
     "Early stopping, the course's other remedy for overfitting: after every epoch each model's held-out loss "
     "is compared with its best; when none has bettered it for 'patience' epochs, training pauses and every "
     "model goes back to its best epoch's weights. The loss plot marks that step (dashed: 'best', then 'kept')."},
    {"early_stop_patience",
     "Epochs without a better held-out loss before training stops. Too small, and a noisy curve stops it early."},
    {"overfit_preset",
     "The overfitting lesson: 100 training digits (300 held out), a 1024-wide hidden layer and a 64-unit code, "
     "batch 32, early stopping on. Train: the training loss keeps falling while the held-out loss turns up "
     "after its best epoch; early stopping stops a few epochs later and keeps the best weights."},
    {"units",
     "Under each map, in place of the strips: what the code units do, on held-out samples. A heatmap of |h| "
     "(one row per unit, busiest on top; dark: |h| <= 0.1, near zero), each unit's mean |h| as a bar against "
     "the sparse AE's target rho (a KL-sparse model's; L1 has none), the share of values near zero, and what "
     "each unit responds to: the mean of the inputs that drive it highest. Compare AE vs sparse AE with a "
     "code of 16 or more: the sparse one's heatmap is mostly dark. The default weight 0.001 is too weak "
     "against the reconstruction; KL sparsity with weight 10 brings the mean to rho."},
    {"sensitivity",
     "Under each map, in place of the strips: how sensitive the encoder is. Left: ||J||_F (how fast the code "
     "moves per unit of input) for each held-out sample, every pane on the same axis, the mean a line (the "
     "other model's dashed). Right: the sample you clicked last, nudged a little; how far its code moves here "
     "and in the other model, and the move drawn on the map as an arrow. Compare AE vs contractive AE: the "
     "contractive one's histogram sits left. Its default weight 0.001 barely shows it; try 0.1. A random nudge "
     "moves its code less; a nudge toward another sample moves both codes by about the same share of their "
     "spread: it resists changes the data does not make, not the ones it does."},
    {"sensitivity_size",
     "The nudge's size: its RMS change per input value (pixels run 0 to 1). The code's move is measured for "
     "this one nudge; ||J|| is the rate for an infinitely small one."},
    {"sensitivity_direction",
     "Which way the sample is nudged: a random direction (the same for every model), or toward another "
     "sample (the one clicked before it, else a held-out sample of another label)."},
    {"manifold",
     "Behind the points: the decoding of every tile's centre, on the same axes. Watch how digits blend into "
     "each other across the map, and where the AE's decodings stop looking like any digit."},
    {"manifold_tiles",
     "Tiles across the map: more show finer detail, and take longer to decode (the map refreshes less often "
     "while training)."},
    {"manifold_grid",
     "Linear grid: a tile at the centre of every cell of the visible map, where its code is. Prior quantiles "
     "(Kingma & Welling's figure): tile (i, j) decodes (\xce\xa6^-1(p_i), \xce\xa6^-1(p_j)), p = 1/2n ... "
     "1 - 1/2n, so every tile stands for an equal share of N(0, I). Each tile sits at its code, so they are "
     "narrow near 0 and wide in the tails; turn the points off to see it whole."},
    {"points",
     "The samples' codes. Off: the hole map and the manifold are seen whole."},
    {"color_by",
     "What the points' colour shows: the label; a true factor the data was generated from (sprites: scale, "
     "rotation, x, y; faces: smile, eye openness, width, tilt), dark blue low to yellow high, to see whether the "
     "model lays it out along a direction; each sample's reconstruction error by this model, to see where "
     "on the map it reconstructs badly; or the encoder's \xe2\x80\x96J\xe2\x80\x96_F at each sample, how far "
     "its code moves per unit of input change (the contractive AE makes it small), to see where the model "
     "is most sensitive. A code wider than 64 units keeps its label colours: \xe2\x80\x96J\xe2\x80\x96_F "
     "would cost a backward pass per unit at every point."},
    {"prior",
     "VAE: the prior N(0, I) as its 1 and 2 sigma circles, and the 1 sigma ellipse of every selected sample's "
     "posterior. Watch the VAE's codes fill the circles while the AE's wander off wherever they like."},
    {"link_probes",
     "Dragging the probe on one map moves it on both: see what each decoder makes of the same coordinates. An "
     "arrow at the edge of a map points to a probe off its view."},
    {"interpolation",
     "Decode the path from sample A's code to sample B's, in every model: one strip each, the path on the maps, "
     "how far each decoded image is from any real one, and a verdict over many random pairs. Samples and "
     "reconstructions make way for the strips."},
    {"samples",
     "Under each map: decodes of the same 20 random codes z ~ N(0, I). Where a model's codes do not fill the "
     "prior, its samples are smudges and hybrids: the clearest view of an AE's holes."},
    {"reconstructions",
     "Under each map: held-out samples beside what the model makes of them. A blurry reconstruction is the "
     "floor every decoding of that model starts from."},
    {"plane",
     "Which plane of the latent space the maps show: two of its dimensions (the others at the codes' mean), or "
     "the plane of the codes' two principal components, which shows the most of their spread."},
    {"plane_x", "The latent dimension along the maps' x axis."},
    {"plane_y",
     "The latent dimension along the maps' y axis. Two dimensions that hardly vary show one blob: try others, "
     "or the PCA plane."},
    {"presenter",
     "For a projector: the UI at a larger size (Ctrl + and Ctrl - change it, Ctrl 0 resets it) and a light "
     "theme with high contrast for a lit room. Watch that the maps keep their size: strips and controls wrap or "
     "fold first."},
    {"presenter_smaller", "The UI a step smaller, down to its normal size (Ctrl -)."},
    {"presenter_larger", "The UI a step larger, up to the largest presenter size (Ctrl +)."},
    {"presenter_light", "Dark text on white, for a projector in a lit room."},
    {"presenter_fitted",
     "The window is too small for the size asked: it shows the largest step it can hold (the layout needs "
     "768 x 432 pixels at the UI's scale; 250% needs a 1920 x 1080 window). Enlarge the window and the size "
     "asked comes back."},
    // Interpolation controls (gui_interpolation.cpp)
    {"verdict_pairs",
     "How many random pairs of held-out samples the verdict counts over: the same pairs as "
     "`latentlab interpolate --pairs N` with the models' seed. More pairs tell a real difference from chance "
     "more surely, and take longer to measure after every change of the weights. Applied when you press Enter "
     "or leave the field."},
    // Not controls, but texts of the same kind
    {"pca_map",
     "One more map: PCA of the data (not of the codes), fitted on the training samples, to as many dimensions "
     "as the models' code. Same colours, hover and probe; its probe decodes by the linear reconstruction "
     "mean + W z. The baseline every autoencoder is measured against (latentlab reduce)."},
    {"pca_pane",
     "How much of the data's variance the PCA's components keep. A linear autoencoder (no hidden layer, MSE) "
     "beside it learns the same plane: minimising squared error with a linear encoder and decoder has PCA's "
     "subspace as its optimum (Baldi & Hornik), though its axes may be any mix of PCA's, so its map is PCA's "
     "up to a linear change of axes. The angle is the largest principal angle between the two planes: 0 = the same."},
    {"pane_loss",
     "The training loss of the latest steps, the numbers the Loss panel plots. recon: how far the "
     "reconstructions are from the inputs. For a VAE, KL: how far each code's distribution is from the prior "
     "N(0, I), counted beta times in the loss."},
};
}  // namespace

const char* help_text(const char* key) {
  for (const HelpEntry& e : kHelp)
    if (std::strcmp(e.key, key) == 0) return e.text;
  const HyperparamInfo* h = hyperparam_by_key(key);
  return h ? h->tooltip : nullptr;
}

void help_tooltip(const char* key) {
  const char* text = help_text(key);
  if (!text) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 26);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

void control_help(AppState& app, const char* key) {
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) help_tooltip(key);
  ControlsSeen& seen = app.controls_seen;
  if (seen.count == kMaxControlsSeen) {
    ++seen.dropped;
    return;
  }
  seen.items[seen.count++] = ControlSeen{key, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), help_text(key) != nullptr};
}

void controls_seen_begin_frame(AppState& app) {
  app.controls_seen.count = 0;
  app.controls_seen.dropped = 0;
}
