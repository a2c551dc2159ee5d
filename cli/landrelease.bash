# bash completion for landrelease.  The commands and options are read from
# the program's own --help, so they are always those of the installed
# version: source this file, or install it in
# /usr/share/bash-completion/completions/landrelease.
_landrelease()
{
	local cur=${COMP_WORDS[COMP_CWORD]} words
	if [[ $COMP_CWORD -eq 1 ]]; then
		words=$("${COMP_WORDS[0]}" --help 2>/dev/null |
			sed -n '/^commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')
		COMPREPLY=($(compgen -W "$words --help --version" -- "$cur"))
	elif [[ $cur == -* ]]; then
		words=$("${COMP_WORDS[0]}" "${COMP_WORDS[1]}" --help 2>/dev/null |
			grep -oE -- '(^| )--?[a-z][a-z-]*' | tr -d ' ' | sort -u)
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -o filenames -F _landrelease landrelease
