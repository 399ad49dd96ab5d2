# SPDX-License-Identifier: MIT
# bash completion for ucpolicy(1): commands, options, role ids and aliases, products, formats,
# files. Installed as share/bash-completion/completions/ucpolicy, where bash-completion loads it
# on first use; works without bash-completion too (source this file). Role names come from
# `ucpolicy roles --format json` of the ucpolicy being completed, read once per shell.
# The option lists follow `ucpolicy COMMAND --help`; tests/docs/test-completion.py checks both.

_ucpolicy_common_options='-r --role --fqdn --pool --sip-domain --simple-url --web-fqdn
    --access-edge --webconf-edge --xmpp-domain --product --topology --server --chain --trust
    --public-roots
    --at --expiry-warning --crl --online --allow-private-network --timeout --password-file
    --policy --require-explicit-policy --inhibit-policy-mapping --inhibit-any-policy
    --password-env --format --compact --fail-on --color -v --verbose -q --quiet -h --help'

# Load the role ids and aliases the ucpolicy at $1 knows into _ucpolicy_role_names. Parsed in
# bash (no jq, no python) and cached per program path, so completing roles runs `ucpolicy roles`
# once per shell. Not called in a $(...) subshell: the cache would be lost.
_ucpolicy_load_roles()
{
    local program=$1
    if [[ ${_ucpolicy_roles_of-} != "$program" ]]; then
        local json names='' re='"(id|aliases)": *("[^"]*"|\[[^]]*\])' value
        _ucpolicy_role_names=''
        json=$("$program" roles --format json 2>/dev/null) || return 0
        while [[ $json =~ $re ]]; do
            value=${BASH_REMATCH[2]}
            json=${json#*"${BASH_REMATCH[0]}"}
            value=${value//[\[\]\",]/ }
            names+=" $value"
        done
        _ucpolicy_role_names=$names
        _ucpolicy_roles_of=$program
    fi
}

_ucpolicy_files()
{
    if declare -F _filedir >/dev/null; then
        _filedir "$@"
    else
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

_ucpolicy()
{
    local cur prev words cword split=false
    if declare -F _init_completion >/dev/null; then
        _init_completion -s || return
    else
        # Without bash-completion: the words as bash split them; --opt=value by hand.
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${words[cword]}
        prev=${words[cword - 1]}
        if [[ $cur == = && $prev == --* ]]; then
            cur=''
            split=true
        elif [[ $prev == = && $cword -ge 2 && ${words[cword - 2]} == --* ]]; then
            prev=${words[cword - 2]}
            split=true
        fi
    fi

    local program=${words[0]} command='' i
    [[ $program == */* || -z $program ]] || program=$(type -P "$program" 2>/dev/null || echo "$program")
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            -*) ;;
            *) command=${words[i]}; break ;;
        esac
    done

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '--help --version' -- "$cur"))
        else
            COMPREPLY=($(compgen -W 'check probe plan scan roles rules version help' -- "$cur"))
        fi
        return
    fi

    # The value of an option.
    case $prev in
        -r | --role)
            _ucpolicy_load_roles "$program"
            COMPREPLY=($(compgen -W "$_ucpolicy_role_names" -- "$cur"))
            return ;;
        --product)
            COMPREPLY=($(compgen -W 'lync2010 lync2013 sfb2015 sfb2019' -- "$cur"))
            return ;;
        --format)
            if [[ $command == check || $command == probe ]]; then
                COMPREPLY=($(compgen -W 'text json sarif csv html junit nagios' -- "$cur"))
            elif [[ $command == plan ]]; then
                COMPREPLY=($(compgen -W 'text json csv html' -- "$cur"))
            elif [[ $command == scan ]]; then
                COMPREPLY=($(compgen -W 'text json sarif html' -- "$cur"))
            else
                COMPREPLY=($(compgen -W 'text json' -- "$cur"))
            fi
            return ;;
        --fail-on)
            COMPREPLY=($(compgen -W 'error warning info never' -- "$cur"))
            return ;;
        --color)
            COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
            return ;;
        --request)
            COMPREPLY=($(compgen -W 'certreq openssl certtool powershell' -- "$cur"))
            return ;;
        --output-dir)
            _ucpolicy_files -d
            return ;;
        --protocol)
            COMPREPLY=($(compgen -W 'tls smtp sip' -- "$cur"))
            return ;;
        --topology)
            _ucpolicy_files '@(json|tbxml|xml)'
            return ;;
        --chain | --trust | --public-roots | --crl | --client-cert | --client-key | --password-file)
            _ucpolicy_files
            return ;;
        --password-env)
            COMPREPLY=($(compgen -e -- "$cur"))
            return ;;
        --fqdn | --pool | --web-fqdn | --access-edge | --webconf-edge | --sni)
            COMPREPLY=($(compgen -A hostname -- "$cur"))
            return ;;
        --sip-domain | --simple-url | --xmpp-domain | --at | --expiry-warning | --timeout | --policy | -j | --jobs | --resolve)
            return ;;
    esac
    $split && return

    local options
    case $command in
        check) options="$_ucpolicy_common_options --same-certificate -j --jobs --progress --no-progress" ;;
        probe) options="$_ucpolicy_common_options --protocol --sni --no-sni --client-cert --client-key" ;;
        plan) options='--topology --server --format --request --output-dir -h --help' ;;
        scan) options='--topology -j --jobs --timeout --resolve --loopback-only --client-cert --client-key
                       --progress --no-progress --chain --trust --public-roots --at --expiry-warning --crl
                       --online --allow-private-network --policy --require-explicit-policy
                       --inhibit-policy-mapping --inhibit-any-policy --password-file --password-env
                       --format --compact --fail-on --color -v --verbose -q --quiet -h --help' ;;
        roles) options='--format -h --help' ;;
        rules) options='-r --role --product --format -h --help' ;;
        *) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        return
    fi
    case $command in
        check) _ucpolicy_files ;;
        probe) COMPREPLY=($(compgen -A hostname -- "$cur")) ;;
    esac
}

complete -F _ucpolicy ucpolicy
