# The lab shell's start-up file (contlab start / present): the learner's own bashrc, and a
# prompt that says this shell belongs to the lab ("lab:~#" in the lab's directory, $LAB_DIR).
# CONTLAB_PS1 overrides it. The lab's settings are made before the learner's bashrc runs and
# again after it: a Ctrl-C while that bashrc is slow (see the shell pane's notice) ends
# this whole file too, and the prompt and the timeline's marks must be there anyway.
__contlab_prompt() {
  if [ -n "$CONTLAB_PS1" ]; then
    PS1="$CONTLAB_PS1"
  elif [ -n "$LAB_DIR" ]; then
    PS1='\[\e[1;36m\]lab\[\e[0m\]:${PWD/#$LAB_DIR/\~}\$ '
  else
    PS1='\[\e[1;36m\]lab\[\e[0m\]:\W\$ '
  fi
}

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
__contlab_marks() {
  local pc=${PROMPT_COMMAND-}
  # What an earlier call wrapped, unwrapped: the learner's bashrc may have put commands of
  # its own around it (pyenv puts its hook first), and the marks must come first and last.
  if [ -n "${__contlab_wrapped-}" ]; then pc=${pc/"$__contlab_wrapped"/$__contlab_inner}; fi
  __contlab_inner=$pc
  case "$pc" in
    # A lab shell started in a lab shell inherits the marks.
    *__contlab_done*) __contlab_wrapped=$pc ;;
    # Lines, not `;`: the learner's PROMPT_COMMAND may end with one of its own.
    *) __contlab_wrapped="__contlab_done
${pc:+$pc
}__contlab_ready" ;;
  esac
  export PROMPT_COMMAND=$__contlab_wrapped
  export PS0='\e]777;contlab;run;${__contlab_id};\#;${EPOCHREALTIME}\a'
}

__contlab_prompt
__contlab_marks
if [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi
# The learner's bashrc may have set its own prompt, or a PROMPT_COMMAND without the marks.
__contlab_prompt
__contlab_marks
