// Fault injection into the trainer, for tests: a model build whose memory this machine cannot
// give, made to happen on demand, as core/io/file_write.h's hook makes a full disk, and a training
// thread slow to answer. The trainer (trainer.cpp) consults them; the GUI's script command
// `fail-builds`, test_trainer and test_session arm them.
#pragma once

// Process-wide: the next `count` models the trainer builds (a rebuild, new data, a loaded session)
// fail with std::bad_alloc once the model's memory is taken, as an allocation would on a machine
// without that much memory for models within every size budget (models/model.h); the trainer then
// keeps its current models and says so in an event. 0 (the default) turns it off.
void trainer_fail_next_builds(int count);

// Process-wide: the training thread waits `seconds` before it carries out its next batch of commands,
// as a long step or a long queue of commands on a loaded machine would make it (tests of the save on
// close, which must wait for the answer however late). 0 (the default) turns it off.
void trainer_delay_next_commands(double seconds);
