#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# One static analyser over every lib/*.c and cmd/*.c present now (a new file
# is covered without a change here), with the flags meson compiles that
# directory with; TAP, a "not ok" for each file with a finding.
# analyze.py gcc|cppcheck|clang-tidy BUILD_ROOT SOURCE_ROOT
import concurrent.futures
import glob
import json
import os
import shlex
import subprocess
import sys
import tempfile

tool, build, src = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
here = os.path.dirname(os.path.abspath(__file__))


def project_flags():
    """Per source directory, the union of the include, define and language
    flags of the files meson compiles there (absolute include paths)."""
    flags = {}
    with open(os.path.join(build, 'compile_commands.json')) as f:
        db = json.load(f)
    for e in db:
        path = os.path.normpath(os.path.join(e['directory'], e['file']))
        d = os.path.relpath(os.path.dirname(path), src)
        if d not in ('lib', 'cmd'):
            continue
        args = shlex.split(e['command'])[1:]
        out = flags.setdefault(d, [])
        i = 0
        while i < len(args):
            a = args[i]
            i += 1
            if a in ('-o', '-MF', '-MQ', '-c'):
                i += a != '-c'
                continue
            if a.startswith('-I'):
                a = '-I' + os.path.normpath(os.path.join(e['directory'], a[2:]))
            elif not a.startswith(('-D', '-U', '-std=', '-W', '-f', '-O', '-pthread')):
                continue
            if a.startswith(('-fdiagnostics-color', '-MD')) or a in out:
                continue
            out.append(a)
    return flags


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def gcc(path, flags):
    # at -O0 the analyser sees the code as written: at -O2 gcc 12 moves a
    # cleanup variable's "= NULL" past an early return and reports its
    # free() as a use of an uninitialised value, and loses track of memory
    # held at a noreturn die(); _FORTIFY_SOURCE wants optimisation
    rc, out = run([os.environ.get('CC', 'cc')] + flags +
                  ['-O0', '-U_FORTIFY_SOURCE', '-fanalyzer', '-fdiagnostics-plain-output',
                   '-c', path, '-o', '/dev/null'])
    bad = [l for l in out.splitlines() if '[-Wanalyzer-' in l or ': error:' in l]
    return (rc == 0 and not bad), out


def cppcheck(path, flags):
    # only the project's own include directories: cppcheck's libraries
    # (std, posix, gnu) describe the system headers better than reading them
    keep = [a for a in flags if a.startswith(('-D', '-U', '-I' + src, '-I' + build))]
    rc, out = run(['cppcheck', '--enable=warning,portability,performance',
                   '--error-exitcode=1', '--inline-suppr', '--std=c11',
                   '--library=posix', '--library=gnu', '-D__linux__', '-D__GNUC__', '-Dnoreturn=__attribute__((noreturn))',
                   '--suppressions-list=' + os.path.join(here, 'cppcheck.supp'),
                   '--template={file}:{line}:{column}: {severity}: {message} [{id}]',
                   '--quiet'] + keep + [path])
    return rc == 0 and not out.strip(), out


def clang_tidy(path, flags, db_dir):
    rc, out = run(['clang-tidy', '--quiet', '-p', db_dir,
                   '--config-file=' + os.path.join(here, 'clang-tidy.yaml'), path])
    bad = [l for l in out.splitlines() if ': warning:' in l or ': error:' in l]
    return rc == 0 and not bad, out


def main():
    flags = project_flags()
    files = sorted(glob.glob(os.path.join(src, 'lib', '*.c')) +
                   glob.glob(os.path.join(src, 'cmd', '*.c')))
    tmp = tempfile.TemporaryDirectory(prefix='nsutils-analyze.')
    if tool == 'clang-tidy':
        # a database of every file found, new ones included; clang does not
        # know some of gcc's warnings and need not hear of them
        db = [{'directory': src, 'file': f,
               'arguments': ['cc'] + flags.get(os.path.relpath(os.path.dirname(f), src), []) +
                            ['-Wno-unknown-warning-option', '-c', f]} for f in files]
        with open(os.path.join(tmp.name, 'compile_commands.json'), 'w') as f:
            json.dump(db, f)
    fn = {'gcc': gcc, 'cppcheck': cppcheck,
          'clang-tidy': lambda p, fl: clang_tidy(p, fl, tmp.name)}[tool]
    jobs = int(os.environ.get('NS_ANALYZE_JOBS', '2'))
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        results = list(ex.map(
            lambda p: fn(p, flags.get(os.path.relpath(os.path.dirname(p), src), [])), files))
    failed = 0
    for n, (path, (good, out)) in enumerate(zip(files, results), 1):
        rel = os.path.relpath(path, src)
        print(f'{"ok" if good else "not ok"} {n} - {tool}: {rel}')
        if not good:
            failed += 1
            for line in out.rstrip().splitlines():
                print('# ' + line)
    print(f'1..{len(files)}')
    return 1 if failed else 0


sys.exit(main())
