#!/usr/bin/zsh -f
# SPDX-License-Identifier: MIT
# zsh-complete.zsh FPATH_DIR LINE...
#
# What zsh's completion offers at the end of each LINE, as a user pressing TAB would get it: one
# interactive `zsh -f` in a pseudo-terminal (zsh/zpty) with compinit and FPATH_DIR first in
# $fpath. compadd is wrapped to record the matches it adds (after zsh matched them against the
# word); TAB runs complete-word and then prints a numbered marker, which this script waits for.
# Prints "== LINE" and then the matches, sorted, for each LINE. Exit 99: no zsh/zpty.
zmodload zsh/zpty || exit 99
fdir=$1; shift
tmp=$(mktemp -d)
trap 'zpty -d z 2>/dev/null; rm -rf $tmp' EXIT
hits=$tmp/hits
zpty z zsh -f -i
zpty -w z "fpath=(${(q)fdir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' insert-tab false; zstyle ':completion:*' list-grouped false"
zpty -w z "compadd() { local -a __h; if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd \"\$@\"; return; fi; builtin compadd -A __h \"\$@\"; (( \$#__h )) && print -rl -- \$__h >> ${(q)hits}; builtin compadd \"\$@\" }"
zpty -w z "integer __n=0; __mark() { zle complete-word; (( __n++ )); print -n -- \"\\n<<DONE \$__n>>\\n\" }; zle -N __mark; bindkey '^I' __mark"
integer n=0
for line in "$@"; do
  (( n++ ))
  : > $hits
  zpty -w -n z "$line"$'\t'
  zpty -r z out "*<<DONE $n>>*" || { print -u2 "no completion for: $line"; exit 1 }
  print -r -- "== $line"
  sort -u $hits
  zpty -w -n z $'\C-u'
done
