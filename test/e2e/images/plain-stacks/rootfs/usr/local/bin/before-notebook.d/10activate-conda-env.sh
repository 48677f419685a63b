# Activates conda's base environment for the command (this image's own version of the hook).
source <(conda shell.bash hook)
