# Turns every shaders/*.glsl into a C++ raw string constant in one header, so the executable
# carries its shaders and runs from any folder. Invoked at build time by CMakeLists.txt.
# Inputs: SHADER_DIR, OUTPUT. shaders/points.vert.glsl -> const char* kShader_points_vert.
file(GLOB shader_files ${SHADER_DIR}/*.glsl)
list(SORT shader_files)
set(content "// Generated from shaders/*.glsl by cmake/embed_shaders.cmake. Do not edit.\n#pragma once\n")
foreach(f ${shader_files})
  get_filename_component(base ${f} NAME)
  string(REPLACE ".glsl" "" base ${base})
  string(REPLACE "." "_" base ${base})
  file(READ ${f} text)
  string(APPEND content "static const char* const kShader_${base} = R\"glsl(${text})glsl\";\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "${content}")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
