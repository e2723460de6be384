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

# The timeline's marks (src/engine/timeline/shell-markers.ts): an escape sequence no terminal
# shows, when a command line starts (PS0), when it is done (first in PROMPT_COMMAND: with $?
# and the command from the history) and when the prompt is ready (last: what the learner's
# own PROMPT_COMMAND ran in between is not a command of theirs). Builtins only: a fork here
# would show in the timeline. Exported, so a bash started in the lab marks its commands too.
__contlab_done() {
  __contlab_s=$?
  printf '\e]777;contlab;prompt;%s;%s;%s;' "${__contlab_id:=$$.$RANDOM$RANDOM}" "$__contlab_s" "$EPOCHREALTIME"
  if [ -z "${__contlab_n-}" ]; then
    printf 'new;'
  elif [ "$__contlab_n" != "$HISTCMD" ]; then
    printf 'ran;'
    HISTTIMEFORMAT= history 1
  else
    printf 'same;'
  fi
  __contlab_n=$HISTCMD
  printf '\a'
  return $__contlab_s
}
__contlab_ready() {
  printf '\e]777;contlab;ready;%s;%s\a' "$__contlab_id" "$EPOCHREALTIME"
  return $__contlab_s
}
export -f __contlab_done __contlab_ready
case "$PROMPT_COMMAND" in
  *__contlab_done*) ;;
  # Lines, not `;`: the learner's PROMPT_COMMAND may end with one of its own.
  *) export PROMPT_COMMAND="__contlab_done
${PROMPT_COMMAND:+$PROMPT_COMMAND
}__contlab_ready" ;;
esac
export PS0='\e]777;contlab;run;${__contlab_id};\#;${EPOCHREALTIME}\a'
