// The tables of kinds.h: model kinds, hyperparameters and every other choice, with the few
// functions that read them.
//
// Sections (grep for "//----"):
//   choices          activation, output loss, sparsity, noise, optimizer, initialisation
//   hyperparameters  ranges, defaults, tooltips; get / set on a ModelConfig; the range check
//   model kinds      the table of kinds
//   compare pairs    compare mode's pairs of models
#include "models/kinds.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "models/model.h"

//---- choices ----------------------------------------------------------------------------------

namespace {

const ChoiceList kActivations = {
    "activation",
    {
        {"relu", "ReLU", "max(0, a): trains fastest; a high learning rate can kill its units for good"},
        {"leaky_relu", "Leaky ReLU", "a for a > 0, 0.01 a otherwise: a ReLU whose units cannot die"},
        {"elu", "ELU", "a for a > 0, e^a - 1 otherwise: smooth, and cannot die"},
        {"tanh", "tanh", "tanh(a): saturates at -1 and 1, learns slowly"},
        {"sigmoid", "sigmoid", "1 / (1 + e^-a): saturates at 0 and 1, learns slowly"},
        {"identity", "identity", "a: no non-linearity (with MSE the model learns PCA's subspace)"},
    }};

const ChoiceList kOutputLosses = {
    "loss",
    {
        {"bce", "Binary cross-entropy", "data in [0,1], sigmoid output"},
        {"mse", "Mean squared error", "linear output, any data"},
    }};

const ChoiceList kSparsityKinds = {
    "sparsity",
    {
        {"l1", "L1", "on the code"},
        {"kl", "KL to rho", "to rho, on a sigmoid code"},
    }};

const ChoiceList kNoiseKinds = {
    "noise",
    {
        {"gaussian", "Gaussian", "adds N(0, level^2)"},
        {"mask", "Masking", "zeroes a value with probability level"},
        {"saltpepper", "Salt and pepper", "0 or 1 with probability level"},
        {"dropcolour", "Drop colour", "each pixel's channels set to its luminance (colourisation; level unused)"},
    }};

const ChoiceList kOptimizers = {
    "optimizer",
    {
        {"adam", "Adam", "beta1 0.9, beta2 0.999"},
        {"sgd", "SGD", "momentum 0.9"},
    }};

const ChoiceList kInits = {
    "init",
    {
        {"he", "He", "normal; LeCun before a layer that is not ReLU-like"},
        {"xavier", "Xavier", "uniform"},
        {"torch", "Torch", "torch.nn.Linear's default"},
    }};

const ChoiceList kArchitectures = {
    "architecture",
    {
        {"mlp", "Dense (MLP)", "dense layers of the --hidden widths, mirrored in the decoder"},
        {"conv", "Convolutional", "Conv 32, Conv 64 (3x3, stride 2), Dense --hidden, the code; the decoder "
                                  "mirrors it with transposed convolutions"},
        {"pool", "Convolutional, pooled (ACAI paper)",
         "the ACAI paper's: per scale two 3x3 convs (16, 32, ... channels) and a 2x2 average pool, down to "
         "2x2 or an odd size; the code is that grid when --latent fills it, else a dense layer; the decoder "
         "mirrors it with nearest-neighbour upsampling"},
    }};

const ChoiceList kAnomalyScores = {
    "anomaly score",
    {
        {"recon", "Reconstruction error", "the reconstruction loss of the mean code (nats per image for BCE)"},
        {"elbo", "-ELBO", "reconstruction loss + KL(q(z|x) || N(0, I)); a variational model only"},
        {"nearest", "Distance to nearest training code",
         "Euclidean distance from the code (mu) to the nearest training sample's code"},
        {"kl", "KL term alone", "KL(q(z|x) || N(0, I)): how far the code sits from the prior; a variational model only"},
    }};

}  // namespace

template <> const ChoiceList& choice_list<Activation>() { return kActivations; }
template <> const ChoiceList& choice_list<OutputLoss>() { return kOutputLosses; }
template <> const ChoiceList& choice_list<SparsityKind>() { return kSparsityKinds; }
template <> const ChoiceList& choice_list<NoiseKind>() { return kNoiseKinds; }
template <> const ChoiceList& choice_list<OptimizerKind>() { return kOptimizers; }
template <> const ChoiceList& choice_list<InitKind>() { return kInits; }
template <> const ChoiceList& choice_list<Architecture>() { return kArchitectures; }
template <> const ChoiceList& choice_list<AnomalyScore>() { return kAnomalyScores; }

//---- hyperparameters --------------------------------------------------------------------------

namespace {

constexpr HyperparamType kReal = HyperparamType::Real, kInteger = HyperparamType::Integer,
                         kChoice = HyperparamType::Choice;

// Rows in Hyperparam's order. The GUI's sliders span what a lesson needs; the command line takes
// the whole valid range.
const HyperparamInfo kHyperparams[kHyperparamCount] = {
    {Hyperparam::Beta, "beta", "beta", "VAE beta", "\xce\xb2", "B", "loss = recon + B * KL (B != 1: beta-VAE)",
     "The weight of the KL term in the VAE's loss, applied at once. 0 turns the VAE into a noisy plain "
     "autoencoder, and holes open in its map; large values pull every code onto the prior, and the "
     "reconstructions blur.",
     kReal, nullptr, 0, 1e4, 0, 10, 1, false, "%.2f", true, Hyperparam::Beta, 0},
    {Hyperparam::KlWarmup, "kl-warmup", "warmup", "Warm-up", "", "STEPS", "ramp beta linearly from 0 over STEPS steps",
     "Steps over which beta ramps up from 0 (applies on Rebuild). The decoder learns to use the codes before "
     "the prior pulls them together, which keeps the VAE from ignoring its input.",
     kInteger, nullptr, 0, 1e9, 0, 10000, 0, false, "%.0f", false, Hyperparam::KlWarmup, 0},
    {Hyperparam::Sparsity, "sparsity", "sparsity", "Sparsity", "", "KIND", "how the code is made sparse",
     "How the code is pushed towards few active units: L1 shrinks every code value towards 0; KL holds each "
     "unit's average activation near rho (the code then passes a sigmoid). Applies on Rebuild.",
     kChoice, &kSparsityKinds, 0, 1, 0, 1, 0, false, "%.0f", false, Hyperparam::Sparsity, 0},
    {Hyperparam::SparsityWeight, "sparsity-weight", "sparsity_weight", "Weight", "\xce\xbb", "W", "penalty weight",
     "How hard the sparsity penalty pushes, applied at once. Watch the penalty curve fall and the map's points "
     "crowd the axes; too high and every code is 0 and every reconstruction becomes the average image. With "
     "KL sparsity the units' mean activation reaches rho only at about 10 (README, what each kind is for).",
     kReal, nullptr, 0, 1e6, 1e-5, 100, 1e-3, true, "%.0e", true, Hyperparam::SparsityWeight, 0},
    {Hyperparam::Rho, "rho", "rho", "rho", "\xcf\x81", "R", "target mean activation of each code unit",
     "The average activation each code unit should have under the KL penalty. A small rho lets each unit fire "
     "for few images, so the units specialise.",
     kReal, nullptr, 1e-6, 1 - 1e-6, 0.01, 0.5, 0.05, false, "%.2f", false, Hyperparam::Sparsity,
     static_cast<int>(SparsityKind::KL)},
    {Hyperparam::Noise, "noise", "noise", "Noise", "", "KIND", "how inputs are corrupted",
     "How inputs are corrupted before they are encoded; the model must still reconstruct the clean image. "
     "Gaussian adds static, masking deletes pixels, salt and pepper turns them black or white, drop colour "
     "turns a colour image grey (the model learns to colourise). Applies on Rebuild.",
     kChoice, &kNoiseKinds, 0, 3, 0, 3, 0, false, "%.0f", false, Hyperparam::Noise, 0},
    {Hyperparam::NoiseLevel, "noise-level", "noise_level", "Level", "", "L",
     "Gaussian sigma, or the masking / salt-and-pepper probability",
     "How much corruption, applied at once: the Gaussian noise's sigma, or the share of pixels masked or "
     "flipped. A little makes the codes robust; too much and the model can only guess the average digit, so "
     "reconstructions blur and the clusters merge.",
     kReal, nullptr, 0, 1e3, 0, 1, 0.3, false, "%.2f", true, Hyperparam::NoiseLevel, 0},
    {Hyperparam::ContractiveWeight, "contractive-weight", "contractive_weight", "Penalty", "\xce\xbb", "W",
     "weight of ||J_f(x)||_F^2",
     "How strongly the encoder is made insensitive to small changes of its input, applied at once. Higher "
     "weights pack each digit into a tighter cluster; too high and different digits fuse together. The penalty "
     "is costly, so steps are slower.",
     kReal, nullptr, 0, 1e6, 1e-5, 1, 1e-3, true, "%.0e", true, Hyperparam::ContractiveWeight, 0},
    {Hyperparam::AcaiWeight, "acai-weight", "acai_weight", "Critic \xce\xbb", "\xce\xbb", "W",
     "weight of the critic's guess on decoded mixes, per pixel",
     "How hard the autoencoder is pushed to make its decoded mixes of two codes look real to the critic, "
     "applied at once (the paper's 0.5). 0 makes ACAI a plain autoencoder with an idle critic; too high and "
     "the reconstructions get worse while the mixes fool the critic.",
     kReal, nullptr, 0, 1e3, 0, 5, 0.5, false, "%.2f", true, Hyperparam::AcaiWeight, 0},
    {Hyperparam::AcaiGamma, "acai-gamma", "acai_gamma", "Critic \xce\xb3", "\xce\xb3", "G",
     "the critic also sees gamma x + (1 - gamma) x_hat and must answer 0",
     "The critic learns to answer 0 for a blend of a real image and its reconstruction, gamma parts real "
     "(the paper's 0.2), applied at once: it keeps the critic from telling mixes apart by the blur every "
     "reconstruction has.",
     kReal, nullptr, 0, 1, 0, 1, 0.2, false, "%.2f", true, Hyperparam::AcaiGamma, 0},
};

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

const HyperparamInfo& hyperparam_info(Hyperparam h) { return kHyperparams[static_cast<int>(h)]; }

const HyperparamInfo* hyperparam_by_flag(const std::string& flag) {
  for (const HyperparamInfo& h : kHyperparams)
    if (flag == h.flag) return &h;
  return nullptr;
}

const HyperparamInfo* hyperparam_by_key(const char* key) {
  for (const HyperparamInfo& h : kHyperparams)
    if (std::strcmp(key, h.key) == 0) return &h;
  return nullptr;
}

// The one place that knows which ModelConfig field holds which hyperparameter.
double hyperparam_get(const ModelConfig& c, Hyperparam h) {
  switch (h) {
    case Hyperparam::Beta: return c.beta;
    case Hyperparam::KlWarmup: return c.kl_warmup_steps;
    case Hyperparam::Sparsity: return static_cast<int>(c.sparsity);
    case Hyperparam::SparsityWeight: return c.sparsity_weight;
    case Hyperparam::Rho: return c.rho;
    case Hyperparam::Noise: return static_cast<int>(c.noise);
    case Hyperparam::NoiseLevel: return c.noise_level;
    case Hyperparam::ContractiveWeight: return c.contractive_weight;
    case Hyperparam::AcaiWeight: return c.acai_weight;
    case Hyperparam::AcaiGamma: return c.acai_gamma;
  }
  return 0;
}

void hyperparam_set(ModelConfig& c, Hyperparam h, double v) {
  // An integer or a choice outside int's range (or NaN) becomes -1, which the range check refuses.
  const int i = std::isfinite(v) && std::fabs(v) < 2e9 ? static_cast<int>(std::lround(v)) : -1;
  switch (h) {
    case Hyperparam::Beta: c.beta = static_cast<float>(v); break;
    case Hyperparam::KlWarmup: c.kl_warmup_steps = i; break;
    case Hyperparam::Sparsity: c.sparsity = static_cast<SparsityKind>(i); break;
    case Hyperparam::SparsityWeight: c.sparsity_weight = static_cast<float>(v); break;
    case Hyperparam::Rho: c.rho = static_cast<float>(v); break;
    case Hyperparam::Noise: c.noise = static_cast<NoiseKind>(i); break;
    case Hyperparam::NoiseLevel: c.noise_level = static_cast<float>(v); break;
    case Hyperparam::ContractiveWeight: c.contractive_weight = static_cast<float>(v); break;
    case Hyperparam::AcaiWeight: c.acai_weight = static_cast<float>(v); break;
    case Hyperparam::AcaiGamma: c.acai_gamma = static_cast<float>(v); break;
  }
}

bool hyperparam_applies(const ModelConfig& c, Hyperparam h) {
  const HyperparamInfo& info = hyperparam_info(h);
  return info.when == h || static_cast<int>(std::lround(hyperparam_get(c, info.when))) == info.when_value;
}

std::string hyperparam_format(Hyperparam h, double v) {
  const HyperparamInfo& info = hyperparam_info(h);
  if (info.type == HyperparamType::Choice) {
    const int i = static_cast<int>(v);
    return i >= 0 && i < info.choices->count() ? info.choices->rows[static_cast<size_t>(i)].name : "?";
  }
  return number_text(v);
}

std::string hyperparam_problem(const ModelConfig& c) {
  if (!choice_valid<ModelKind>(static_cast<int>(c.kind))) return "unknown model kind " + number_text(int(c.kind));
  if (!choice_valid<Activation>(static_cast<int>(c.activation)))
    return "--activation must be one of " + kActivations.names();
  if (!choice_valid<OutputLoss>(static_cast<int>(c.loss))) return "--loss must be one of " + kOutputLosses.names();
  if (!choice_valid<InitKind>(static_cast<int>(c.init))) return "--init must be one of " + kInits.names();
  for (const HyperparamInfo& h : kHyperparams) {
    // rho matters, and is checked, only where it applies: a plain model's rho is never read.
    if (h.when != h.id && !(model_kind_has(c.kind, h.id) && hyperparam_applies(c, h.id))) continue;
    const double v = hyperparam_get(c, h.id);
    if (h.type == HyperparamType::Choice) {
      if (!(v >= 0 && v < h.choices->count()))
        return "--" + std::string(h.flag) + " must be one of " + h.choices->names() + ", got value " + number_text(v);
      continue;
    }
    // A real is stored as a float: its range is compared as floats too, so that the edges pass.
    const bool real = h.type == HyperparamType::Real;
    const double lo = real ? static_cast<float>(h.min) : h.min, hi = real ? static_cast<float>(h.max) : h.max;
    if (std::isfinite(v) && v >= lo && v <= hi) continue;
    const std::string range = h.min == 0 ? ">= 0 and at most " + number_text(h.max)
                                         : "in [" + number_text(h.min) + ", " + number_text(h.max) + "]";
    return "--" + std::string(h.flag) + " must be a finite number " + range + ", got " + number_text(v);
  }
  if ((c.noise == NoiseKind::Mask || c.noise == NoiseKind::SaltPepper) && c.noise_level > 1)
    return "--noise-level is a probability for masking and salt-and-pepper noise: it must be in [0, 1]";
  return "";
}

//---- model kinds ------------------------------------------------------------------------------

namespace {

// Rows in ModelKind's order.
const std::vector<ModelKindInfo> kModelKinds = {
    {ModelKind::Plain,
     {"ae", "Autoencoder", "plain autoencoder: encode, decode, compare"},
     "AE",
     "The plain autoencoder squeezes each input into a small code and rebuilds the input from it. With a code "
     "smaller than the input (undercomplete) it must keep what matters most; with a code larger than the input "
     "(overcomplete) it risks learning to copy, and then it rebuilds noise as well as digits. Trained on digits an "
     "overcomplete AE does not copy, as the pixels digits never use get no gradient (with --loss mse --init torch "
     "it rebuilds noise better than an undercomplete one, still far worse than digits), while trained on images "
     "that vary in every pixel (the built-in digits-noise: digits mixed half and half with uniform noise) it does "
     "(the copying lesson; README, the copy risk).",
     "recon(x, g(f(x)))",
     "recon(x, g(f(x)))",
     nullptr, nullptr, false, false, {}},
    {ModelKind::Sparse,
     {"sparse", "Sparse autoencoder", "sparse autoencoder: a penalty keeps few code units active"},
     "sparse AE",
     "The sparse autoencoder adds a penalty for busy codes, so that each input is described by few active "
     "units. Each unit then tends to stand for one feature of the data, which makes the code easier to read. The "
     "default weight is too weak to see it: with KL sparsity, a weight near 10 brings each unit's mean activation "
     "close to rho.",
     "recon(x, g(h)) + lambda * sum_j |h_j| (l1), or + lambda * sum_j KL(rho || mean h_j) (kl); h = f(x)",
     "recon(x, g(h)) + \xce\xbb \xce\xa3 |h_j|  (L1)  or  + \xce\xbb \xce\xa3 KL(\xcf\x81 \xe2\x80\x96 mean h_j)  (KL)",
     "sparsity", "sparsity", false, false, {Hyperparam::Sparsity, Hyperparam::SparsityWeight, Hyperparam::Rho}},
    {ModelKind::Denoising,
     {"denoising", "Denoising autoencoder", "denoising autoencoder: rebuild the clean input from a corrupted one"},
     "denoising AE",
     "The denoising autoencoder sees a corrupted input (noise added, pixels deleted or flipped) and must rebuild "
     "the clean one. It cannot simply copy, so it learns what the data looks like; use it to clean noisy data. To "
     "restore deleted pixels, train it with masking noise: Gaussian noise teaches it little about them.",
     "recon(x, g(f(c(x)))), c = a fresh corruption every step",
     "recon(x, g(f(c(x))))   c: a fresh corruption every step",
     nullptr, nullptr, false, false, {Hyperparam::Noise, Hyperparam::NoiseLevel}},
    {ModelKind::Contractive,
     {"contractive", "Contractive autoencoder",
      "contractive autoencoder: a penalty on how much the code moves with the input"},
     "contractive AE",
     "The contractive autoencoder penalises how much its code moves when the input moves a little (the "
     "Jacobian of the encoder), so that small changes of an input barely change its code. The penalty is "
     "costly: every step computes the whole Jacobian. The default weight barely lowers the Jacobian's norm; "
     "a weight near 0.1 shows the effect clearly.",
     "recon(x, g(f(x))) + lambda * ||J_f(x)||_F^2",
     "recon(x, g(f(x))) + \xce\xbb \xe2\x80\x96J_f(x)\xe2\x80\x96_F\xc2\xb2",
     "contractive", "contractive", false, false, {Hyperparam::ContractiveWeight}},
    {ModelKind::VAE,
     {"vae", "Variational autoencoder", "variational autoencoder (beta-VAE for beta != 1): codes drawn near N(0, I)"},
     "VAE",
     "The variational autoencoder encodes each input as a small cloud of codes, a Gaussian, and pulls every "
     "cloud towards the prior N(0, I). Its latent space has no holes, so decoding a random code from the prior "
     "gives a plausible new sample: it is a generative model.",
     "recon(x, g(z)) + beta * KL(N(mu, sigma^2) || N(0, I)), z = mu + sigma * eps",
     "recon(x, g(z)) + \xce\xb2 KL(N(\xce\xbc, \xcf\x83\xc2\xb2) \xe2\x80\x96 N(0, I)),  z = \xce\xbc + \xcf\x83\xc2\xb7\xce\xb5",
     "KL", "kl", true, false, {Hyperparam::Beta, Hyperparam::KlWarmup}},
    {ModelKind::Acai,
     {"acai", "Adversarially constrained AE (ACAI)",
      "ACAI: a plain AE whose decoded mixes of two codes a critic network must not tell from real data"},
     "ACAI",
     "ACAI (Berthelot et al. 2018) is a plain autoencoder trained beside a critic, a second network shaped like "
     "the encoder, which looks at the decoding of a mix of two codes and guesses how much of a mix it is "
     "(alpha, up to 0.5). The autoencoder is also trained to make the critic answer 0, as for a real image, so "
     "that the points between two codes decode to realistic images: it learns to interpolate, each network "
     "with its own Adam.",
     "recon(x, g(f(x))) + lambda * D * mean d(x_a)^2, x_a = g(a f(x1) + (1 - a) f(x2)), a ~ U[0, 0.5], D = pixels; "
     "critic: (d(x_a) - a)^2 + d(gamma x + (1 - gamma) g(f(x)))^2",
     "recon(x, g(f(x))) + \xce\xbb D d(x_\xce\xb1)\xc2\xb2   x_\xce\xb1 = g(\xce\xb1 z1 + (1-\xce\xb1) z2)   "
     "critic: (d(x_\xce\xb1) - \xce\xb1)\xc2\xb2 + d(\xce\xb3 x + (1-\xce\xb3) g(f(x)))\xc2\xb2",
     "critic", "critic", false, true, {Hyperparam::AcaiWeight, Hyperparam::AcaiGamma}},
};

ChoiceList make_kind_choices() {
  ChoiceList list{"model kind", {}};
  for (const ModelKindInfo& k : kModelKinds) list.rows.push_back(k.choice);
  return list;
}
const ChoiceList kModelKindChoices = make_kind_choices();

}  // namespace

template <> const ChoiceList& choice_list<ModelKind>() { return kModelKindChoices; }

const ModelKindInfo& model_kind_info(ModelKind k) { return kModelKinds[static_cast<size_t>(k)]; }
const std::vector<ModelKindInfo>& model_kinds() { return kModelKinds; }

bool model_kind_has(ModelKind k, Hyperparam h) {
  const size_t i = static_cast<size_t>(k);
  if (i >= kModelKinds.size()) return false;
  for (Hyperparam x : kModelKinds[i].hyperparams)
    if (x == h) return true;
  return false;
}

std::string model_kinds_with(Hyperparam h) {
  std::string out;
  for (const ModelKindInfo& k : kModelKinds)
    if (model_kind_has(k.kind, h)) out += (out.empty() ? "" : "|") + std::string(k.choice.name);
  return out;
}

//---- compare pairs ----------------------------------------------------------------------------

namespace {

constexpr CompareShape kSame = CompareShape::Same;

// Rows in ComparePair's order; the first is compare mode's default.
const std::vector<ComparePairInfo> kComparePairs = {
    {ComparePair::AeVae,
     {"ae-vae", "AE vs VAE", "the VAE's noise and its pull towards the prior: holes in the AE's map, none in the VAE's"},
     {ModelKind::Plain, ModelKind::VAE}, {kSame, kSame}},
    {ComparePair::AeDenoising,
     {"ae-denoising", "AE vs denoising AE", "corrupted inputs: which model rebuilds a noisy digit better"},
     {ModelKind::Plain, ModelKind::Denoising}, {kSame, kSame}},
    {ComparePair::AeContractive,
     {"ae-contractive", "AE vs contractive AE", "the Jacobian penalty: how far each code moves when the input is nudged"},
     {ModelKind::Plain, ModelKind::Contractive}, {kSame, kSame}},
    {ComparePair::AeSparse,
     {"ae-sparse", "AE vs sparse AE", "the sparsity penalty: how many code units each input uses"},
     {ModelKind::Plain, ModelKind::Sparse}, {kSame, kSame}},
    {ComparePair::NarrowWide,
     {"narrow-wide", "Narrow vs wide code",
      "a narrow code against a wide one (no hidden layer, 64 units): how much more it keeps. Both are under the "
      "784 inputs; undercomplete-overcomplete has a code wider than the input"},
     {ModelKind::Plain, ModelKind::Plain}, {kSame, CompareShape::WideCode}},
    {ComparePair::AeAcai,
     {"ae-acai", "AE vs ACAI", "the adversarial critic on decoded mixes: which model's interpolations stay on the data"},
     {ModelKind::Plain, ModelKind::Acai}, {kSame, kSame}},
    {ComparePair::UnderOver,
     {"under-over", "Undercomplete vs overcomplete",
      "the Model panel's code against a code of 1024 units, wider than the 784 pixels, with no hidden layer: "
      "the risk of learning to copy. The wide one rebuilds digits almost exactly; uniform noise it rebuilds "
      "better than the narrow one only with loss MSE and init Torch, and nearly as well as digits only when "
      "the training images vary in every pixel: data digits-noise (the copying lesson; README, the copy risk). On RGB data (2352 values) the 1024 "
      "units are undercomplete too"},
     {ModelKind::Plain, ModelKind::Plain}, {kSame, CompareShape::Overcomplete}},
};

ChoiceList make_pair_choices() {
  ChoiceList list{"compare pair", {}};
  for (const ComparePairInfo& p : kComparePairs) list.rows.push_back(p.choice);
  return list;
}
const ChoiceList kComparePairChoices = make_pair_choices();

}  // namespace

int compare_shape_latent(CompareShape s, int base_latent) {
  switch (s) {
    case CompareShape::Same: return base_latent;
    case CompareShape::WideCode: return kWideCodeLatent;
    case CompareShape::Overcomplete: return kOvercompleteLatent;
  }
  return base_latent;
}

const ComparePairInfo& compare_pair_info(ComparePair p) { return kComparePairs[static_cast<size_t>(p)]; }
template <> const ChoiceList& choice_list<ComparePair>() { return kComparePairChoices; }
