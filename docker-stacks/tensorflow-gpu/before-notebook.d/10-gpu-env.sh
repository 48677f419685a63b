# shellcheck shell=sh
# before-notebook.d hook, SOURCED (docker-stacks semantics for *.sh): exports TensorFlow's usual GPU
# settings into the environment the notebook server and its kernels start with. A value already set
# (docker run -e ..., the image, an earlier hook) is kept. Prints nothing: 10-gpu-report says what is
# set. POSIX sh, no functions or variables left behind besides the exports.

# Take GPU memory as needed instead of all of it at the first import: GPUs shared between notebooks
# (or between kernels of one person) would otherwise be full after one kernel started.
: "${TF_FORCE_GPU_ALLOW_GROWTH:=true}"
# Keep TensorFlow's INFO chatter (CUDA library loading, oneDNN notices) out of the kernel logs.
: "${TF_CPP_MIN_LOG_LEVEL:=1}"
export TF_FORCE_GPU_ALLOW_GROWTH TF_CPP_MIN_LOG_LEVEL

# XLA looks for libdevice under a CUDA toolkit; point it at one when the image or host provides it.
if [ -z "${XLA_FLAGS:-}" ] && [ -d /usr/local/cuda/nvvm/libdevice ]; then
  XLA_FLAGS=--xla_gpu_cuda_data_dir=/usr/local/cuda
  export XLA_FLAGS
fi
