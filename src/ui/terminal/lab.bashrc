# The lab shell's start-up file (contlab start / present): the learner's own bashrc, then a
# prompt that says this shell belongs to the lab ("lab:~#" in the lab's directory, $LAB_DIR).
# CONTLAB_PS1 overrides it.
if [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi
if [ -n "$CONTLAB_PS1" ]; then
  PS1="$CONTLAB_PS1"
elif [ -n "$LAB_DIR" ]; then
  PS1='\[\e[1;36m\]lab\[\e[0m\]:${PWD/#$LAB_DIR/\~}\$ '
else
  PS1='\[\e[1;36m\]lab\[\e[0m\]:\W\$ '
fi
