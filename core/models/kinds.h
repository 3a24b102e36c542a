// What a model can be, said once: the table of model kinds (names, titles, what each is for, its
// loss as a formula, its penalty and its hyperparameters), the table of those hyperparameters
// (ranges, defaults, tooltips), and one table for every other choice (activation, noise, sparsity,
// output loss, optimizer, initialisation). The command line, the GUI, the trainer and the .llnet
// loader all read these tables; no other file spells out a kind's name or a list of choices.
//
//   const ModelKindInfo& k = model_kind_info(ModelKind::VAE);  // k.choice.name "vae", k.about, k.loss_text ...
//   ModelKind kind;
//   if (!parse_choice("sparse", &kind)) ...                     // false for a name not in the table
//   for (Hyperparam h : k.hyperparams) hyperparam_info(h).flag; // "beta", "kl-warmup"
//   hyperparam_set(config, Hyperparam::Beta, 4.0);
//
// To add a model kind: its value at the end of ModelKind, its row at the end of kModelKinds
// (kinds.cpp), and its objective in models/model.cpp; nothing else.
#pragma once
#include <string>
#include <vector>

#include "io/choices.h"

// Every enum's values are its table's row indices and are what .llnet files store: a new value
// goes at the end, never in between.
enum class ModelKind { Plain, Sparse, Denoising, Contractive, VAE, Acai };
enum class Activation { Relu, LeakyRelu, Elu, Tanh, Sigmoid, Identity };
enum class OutputLoss { BCE, MSE };  // BCE on logits (data in [0,1]); MSE on a linear output
enum class SparsityKind { L1, KL };
enum class NoiseKind { Gaussian, Mask, SaltPepper, DropColour };  // DropColour: colour images only
enum class OptimizerKind { Adam, SGD };
enum class InitKind { He, Xavier, Torch };  // Torch: torch.nn.Linear's default (see model.cpp)
// The shape around the latent head (models/model.cpp, "network"): dense layers, or convolutions
// for images (Conv: the Keras VAE example's pattern; Pool: the ACAI paper's; `latentlab train
// --help` gives the shapes).
enum class Architecture { Mlp, Conv, Pool };
// Does the architecture read its input as an image (channels x height x width)?
inline bool architecture_takes_images(Architecture a) { return a != Architecture::Mlp; }
// How unusual a sample is to a trained model (core/measure/anomaly.h, `latentlab anomaly --score`).
enum class AnomalyScore { Recon, Elbo, Nearest, Kl };

//---- choices ----------------------------------------------------------------------------------

// The list of each enum above (the model kinds' comes from kModelKinds); Choice and ChoiceList
// are in io/choices.h.
template <> const ChoiceList& choice_list<ModelKind>();
template <> const ChoiceList& choice_list<Activation>();
template <> const ChoiceList& choice_list<OutputLoss>();
template <> const ChoiceList& choice_list<SparsityKind>();
template <> const ChoiceList& choice_list<NoiseKind>();
template <> const ChoiceList& choice_list<OptimizerKind>();
template <> const ChoiceList& choice_list<InitKind>();
template <> const ChoiceList& choice_list<Architecture>();
template <> const ChoiceList& choice_list<AnomalyScore>();

//---- hyperparameters --------------------------------------------------------------------------

// The settings a kind adds to the plain autoencoder. Values are what ModelConfig holds
// (hyperparam_get / hyperparam_set), a choice as its row index.
enum class Hyperparam {
  Beta, KlWarmup, Sparsity, SparsityWeight, Rho, Noise, NoiseLevel, ContractiveWeight, AcaiWeight, AcaiGamma
};
constexpr int kHyperparamCount = 10;

enum class HyperparamType { Real, Integer, Choice };

struct HyperparamInfo {
  Hyperparam id;
  const char* flag;        // the command-line flag without "--": "sparsity-weight"
  const char* key;         // the GUI's control and tooltip key, the script's name: "sparsity_weight"
  const char* label;       // the GUI's field label: "Weight"
  const char* symbol;      // as the loss formulas write it (UTF-8): "λ"
  const char* value_hint;  // --help: "W"
  const char* help;        // --help: one line
  const char* tooltip;     // the GUI: what it is and what to watch for when it moves
  HyperparamType type;
  const ChoiceList* choices;  // a Choice's values; nullptr otherwise
  double min, max;            // what the CLI, the trainer and the loader accept, inclusive
  double slider_min, slider_max;  // the GUI slider's span, inside [min, max]
  double default_value;       // ModelConfig's default
  bool log_slider;            // a logarithmic slider (weights that span decades)
  const char* format;         // the GUI's printf format of the value
  bool live;                  // a running model takes it between steps (Trainer::set_hyperparameter);
                              // otherwise it applies on rebuild
  // Shown and used only while another hyperparameter has a value (rho: sparsity = kl); when
  // `when` is the row's own id the row always applies.
  Hyperparam when;
  int when_value;
};

const HyperparamInfo& hyperparam_info(Hyperparam h);
const HyperparamInfo* hyperparam_by_flag(const std::string& flag);  // nullptr if none
const HyperparamInfo* hyperparam_by_key(const char* key);           // nullptr if none

struct ModelConfig;
double hyperparam_get(const ModelConfig& c, Hyperparam h);
// Stores v as the field's type (an integer or a choice is rounded); no check: see hyperparam_problem.
void hyperparam_set(ModelConfig& c, Hyperparam h, double v);
// Does `h` apply to c as configured (rho only for KL sparsity)? The kind is not asked.
bool hyperparam_applies(const ModelConfig& c, Hyperparam h);
// "" when every hyperparameter of c is finite and inside its range (and a noise level is a
// probability for masking and salt-and-pepper noise), else a message naming the flag as the
// command line does. Every kind's values are checked, used or not, so that a value set on all
// models at once (the trainer's) is refused or applied for all. model_config_problem calls it.
std::string hyperparam_problem(const ModelConfig& c);
// "2.5" for a real, "1000" for an integer, "kl" for a choice: what --help shows as the default.
std::string hyperparam_format(Hyperparam h, double v);

//---- model kinds ------------------------------------------------------------------------------

struct ModelKindInfo {
  ModelKind kind;
  Choice choice;            // name ("vae"), title ("Variational autoencoder"), one-line description
  const char* short_name;   // in a sentence or a narrow title: "VAE"
  const char* about;        // two or three plain sentences: what the kind is for
  const char* loss_text;    // the training loss, ASCII: "recon(x, g(z)) + beta * KL(...)"
  const char* loss_symbols; // the same with the symbols the GUI's font has (UTF-8: β, λ, ‖, ², σ)
  const char* penalty;      // the loss's second term as a person names it: "KL", "sparsity"; nullptr = none
  const char* penalty_key;  // the same in CLI lines and JSON keys: "kl", "sparsity"; nullptr = none
  bool variational;         // the code is a Gaussian q(z|x) pulled towards the prior N(0, I): the
                            // map shows mu, the prior's circles and sigma; LossParts::penalty is the
                            // unweighted KL and the loss adds beta times it
  bool critic;              // trained beside a critic network with its own loss and Adam (ACAI):
                            // LossParts::critic is the critic's loss, Model::critic_readout its guesses
  std::vector<Hyperparam> hyperparams;  // what the kind adds, in the order the GUI shows them
};

const ModelKindInfo& model_kind_info(ModelKind k);
const std::vector<ModelKindInfo>& model_kinds();  // every row, in the enum's order
bool model_kind_has(ModelKind k, Hyperparam h);   // is h one of k's hyperparameters?
// The kinds that have h, as "--model a|b" would name them: "vae", "sparse".
std::string model_kinds_with(Hyperparam h);

//---- compare pairs ----------------------------------------------------------------------------

// Compare mode (the GUI's twin, core/train/trainer.h compare_configs): two models trained side by
// side on the same batches from the same seed, so that any difference comes from what sets them
// apart. Each pair sets one kind against the plain AE, or a narrow code against a wider one.
enum class ComparePair { AeVae, AeDenoising, AeContractive, AeSparse, NarrowWide, AeAcai, UnderOver };
// A member's shape: the Model panel's (Same), or no hidden layer and a code of kWideCodeLatent
// (WideCode) or of kOvercompleteLatent (Overcomplete).
enum class CompareShape { Same, WideCode, Overcomplete };
// A wide code that is still undercomplete, for narrow-wide.
constexpr int kWideCodeLatent = 64;
// A code wider than the 784 pixels of the grey 28x28 data (the built-in sets, MNIST): an
// overcomplete AE, which could learn to copy (README, the copy risk). RGB images (2352 values)
// are wider still, so on them this code is undercomplete; the pair's text says so.
constexpr int kOvercompleteLatent = 1024;
// The code size and hidden layers a member of shape `s` gets from the Model panel's `base_latent`.
int compare_shape_latent(CompareShape s, int base_latent);

struct ComparePairInfo {
  ComparePair pair;
  Choice choice;            // name ("ae-vae"), title ("AE vs VAE"), what the pair shows
  ModelKind kinds[2];       // left, right
  CompareShape shapes[2];
};
const ComparePairInfo& compare_pair_info(ComparePair p);
template <> const ChoiceList& choice_list<ComparePair>();

// Names as used on the command line ("ae", "vae", "sparse", ...) and as a sentence shows them
// ("AE", "sparse AE", ...): shorthands for the table.
inline const char* model_kind_name(ModelKind k) { return model_kind_info(k).choice.name; }
inline const char* model_kind_short_name(ModelKind k) { return model_kind_info(k).short_name; }
inline bool parse_model_kind(const std::string& s, ModelKind* out) { return parse_choice(s, out); }
inline const char* activation_name(Activation a) { return choice_name(a); }
inline bool parse_activation(const std::string& s, Activation* out) { return parse_choice(s, out); }
