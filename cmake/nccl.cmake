# NCCL detection shared by calibrate/ (the all-reduce benchmark) and real/ (gradient all-reduce
# and replica traffic on GPUs). Needs GEMINI_HAVE_CUDA. Defines the imported target gemini::nccl
# and GEMINI_HAVE_NCCL (ON/OFF) when NCCL's header and library are both found.
#   -DGEMINI_WITH_NCCL=OFF   never use it
#   -DNCCL_ROOT=<prefix>     look there first and only (e.g. a pip wheel's site-packages/nvidia/nccl,
#                            which has include/ and lib/libnccl.so.2 but no libnccl.so)
set(GEMINI_HAVE_NCCL OFF)
option(GEMINI_WITH_NCCL "Use NCCL when it is found (needs CUDA)" ON)
set(NCCL_ROOT "$ENV{NCCL_ROOT}" CACHE PATH "NCCL prefix holding include/nccl.h and lib/libnccl.so*")
if(GEMINI_HAVE_CUDA AND GEMINI_WITH_NCCL AND TARGET CUDA::cudart)
  if(NCCL_ROOT)
    find_path(NCCL_INCLUDE_DIR nccl.h PATHS ${NCCL_ROOT}/include NO_DEFAULT_PATH)
    find_library(NCCL_LIBRARY NAMES nccl libnccl.so.2 NAMES_PER_DIR
      PATHS ${NCCL_ROOT}/lib ${NCCL_ROOT}/lib64 NO_DEFAULT_PATH)
  endif()
  set(_nccl_prefixes ${CUDAToolkit_LIBRARY_ROOT} ${CUDAToolkit_TARGET_DIR})
  find_path(NCCL_INCLUDE_DIR nccl.h
    HINTS ${CUDAToolkit_INCLUDE_DIRS}
    PATH_SUFFIXES include
    PATHS ${_nccl_prefixes} /usr/include /usr/local/include)
  find_library(NCCL_LIBRARY NAMES nccl libnccl.so.2 NAMES_PER_DIR
    HINTS ${CUDAToolkit_LIBRARY_DIR}
    PATH_SUFFIXES lib lib64
    PATHS ${_nccl_prefixes} /usr/lib/x86_64-linux-gnu /usr/local/lib)
  if(NCCL_INCLUDE_DIR AND NCCL_LIBRARY)
    set(GEMINI_HAVE_NCCL ON)
    if(NOT TARGET gemini::nccl)
      add_library(gemini::nccl UNKNOWN IMPORTED)
      set_target_properties(gemini::nccl PROPERTIES
        IMPORTED_LOCATION ${NCCL_LIBRARY}
        INTERFACE_INCLUDE_DIRECTORIES ${NCCL_INCLUDE_DIR}
        INTERFACE_LINK_LIBRARIES CUDA::cudart)
    endif()
  endif()
endif()
if(GEMINI_HAVE_CUDA AND GEMINI_WITH_NCCL)
  message(STATUS "gemini: NCCL ${GEMINI_HAVE_NCCL} (include: ${NCCL_INCLUDE_DIR}, library: ${NCCL_LIBRARY})")
else()
  message(STATUS "gemini: NCCL OFF (needs CUDA paths and GEMINI_WITH_NCCL)")
endif()
