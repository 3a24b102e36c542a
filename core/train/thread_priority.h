// Background threads yield to the window: the trainer and the views' workers (linear probe,
// rate-distortion, the lines figures) run at nice 19, so that on two cores the main thread and
// Mesa's rasteriser get the CPU first and the frame budget holds while they work.
#pragma once

#include <sys/resource.h>

// Lowers the calling thread's priority only: on Linux, setpriority(PRIO_PROCESS, 0) applies to the
// calling thread, not the whole process. Failing to lower it is harmless, so the result is ignored.
inline void lower_this_thread_priority() { (void)setpriority(PRIO_PROCESS, 0, 19); }
