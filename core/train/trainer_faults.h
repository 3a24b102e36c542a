// Fault injection into the trainer, for tests: a model build whose memory this machine cannot
// give, made to happen on demand, as core/io/file_write.h's hook makes a full disk. The trainer
// (trainer.cpp) consults it; the GUI's script command `fail-builds` and test_trainer arm it.
#pragma once

// Process-wide: the next `count` models the trainer builds (a rebuild, new data, a loaded session)
// fail with std::bad_alloc once the model's memory is taken, as an allocation would on a machine
// without that much memory for models within every size budget (models/model.h); the trainer then
// keeps its current models and says so in an event. 0 (the default) turns it off.
void trainer_fail_next_builds(int count);
