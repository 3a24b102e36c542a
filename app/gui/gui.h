// The GUI entry point. `latentlab` with no arguments, or `latentlab gui [flags]`, opens the
// explorer window; everything GUI-side (Dear ImGui, GLFW, GL) lives behind this one call, so
// main() and the headless subcommands never touch a display.
#pragma once

// argv excludes the program name and the "gui" word. Returns the process exit status.
int gui_main(int argc, char** argv);
