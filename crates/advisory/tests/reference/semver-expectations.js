#!/usr/bin/env node
// Reference expectations for tests/semver_differential.rs, computed with node's own `semver`.
//
// Usage (from the repository root):
//   node crates/advisory/tests/reference/semver-expectations.js [DATA_DIR]
// DATA_DIR defaults to ../shared/data next to the repository. Writes
// crates/advisory/tests/reference/semver-expectations.json.
//
// semver is the copy bundled with npm (`$(npm root -g)/npm/node_modules/semver`), found at run
// time; nothing is installed. For every advisory under DATA_DIR and every npm package in it, a
// version list is built (each boundary version of its events, `versions` list or npm range,
// its neighbours and prereleases, and a fixed list of common versions), and each version is
// marked affected or not:
// - OSV records: the OSV evaluation algorithm (https://ossf.github.io/osv-schema/#evaluation)
//   written here with semver.compare / semver.eq, so the Rust test checks our semver
//   implementation, not a different rule. It mirrors the Rust matcher's documented choices:
//   "0" introduced = below everything; a partial event version `1`/`1.0` is read as 1.0.0;
//   events sorted stably by version; GIT ranges ignored; a limit containing `*` is infinity;
//   unreadable events, events with other than one field, ranges without `introduced`, unknown
//   range types and entries with nothing comparable are errors.
// - npm legacy advisories: semver.satisfies(v, vulnerable_versions, { includePrerelease: true,
//   loose: true }), the options @npmcli/metavuln-calculator (npm audit) uses.
// - the malicious-package archives (.tar.zst): every 20th record (sorted by path) of each,
//   extracted with the `zstd` command to a temporary directory; skipped with a note in the
//   header when `zstd` is not installed.
//
// Output: derived data only (ids, versions, booleans, node's desugared range strings), one case
// per line so that a change in the data or in node shows as a small diff.

'use strict'

const fs = require('fs')
const os = require('os')
const path = require('path')
const { execFileSync } = require('child_process')

const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim()
const semverDir = path.join(npmRoot, 'npm', 'node_modules', 'semver')
const semver = require(semverDir)
const semverVersion = require(path.join(semverDir, 'package.json')).version

const here = __dirname
const dataDir = path.resolve(process.argv[2] || path.join(here, '..', '..', '..', '..', '..', 'shared', 'data'))
const outFile = path.join(here, 'semver-expectations.json')
const LEGACY_OPTS = { includePrerelease: true, loose: true }
const SAMPLE_EVERY = 20

const COMMON = [
  '0.0.0-0', '0.0.0', '0.0.1', '0.1.0', '0.9.9', '1.0.0-alpha', '1.0.0-rc.1', '1.0.0', '1.0.1',
  '1.1.0', '1.2.3', '2.0.0-beta.1', '2.0.0', '3.0.0', '4.17.21', '10.0.0', '99.99.99',
]

// ---------------------------------------------------------------- version lists

function neighbours (sv, out) {
  const { major: M, minor: m, patch: p } = sv
  const rel = `${M}.${m}.${p}`
  out.add(sv.version)
  out.add(rel)
  out.add(`${rel}-0`)
  out.add(`${rel}-alpha`)
  out.add(`${rel}-alpha.1`)
  out.add(`${M}.${m}.${p + 1}`)
  out.add(`${M}.${m}.${p + 1}-0`)
  if (p > 0) out.add(`${M}.${m}.${p - 1}`)
  out.add(`${M}.${m + 1}.0`)
  out.add(`${M + 1}.0.0`)
  if (sv.prerelease.length) {
    out.add(`${sv.version}.0`)
    const last = sv.prerelease[sv.prerelease.length - 1]
    if (typeof last === 'number' && last > 0) {
      out.add(`${rel}-${sv.prerelease.slice(0, -1).concat([last - 1]).join('.')}`)
    }
  }
}

// The versions to check for one case: COMMON (listed once, in the header) followed by the
// case's own versions (c.versions); c.affected has one '1'/'0' per version of that sequence.
function versionList (boundaries) {
  const out = new Set()
  for (const b of boundaries) neighbours(b, out)
  const extra = [...out]
    .filter(v => semver.valid(v) === v && !COMMON.includes(v))
    .sort((a, b) => semver.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0))
  return { extra, all: COMMON.concat(extra) }
}

// ---------------------------------------------------------------- OSV evaluation

class RecordError extends Error {}

// Must match the Rust matcher's `event_version`.
function eventVersion (raw, where) {
  let s = String(raw).trim()
  if (/^\d+$/.test(s)) s += '.0.0'
  else if (/^\d+\.\d+$/.test(s)) s += '.0'
  const v = semver.parse(s)
  if (!v) throw new RecordError(`${where} ${JSON.stringify(raw)} is not a semver version`)
  return v
}

const FIELDS = ['introduced', 'fixed', 'last_affected', 'limit']

function compileAffected (a, boundaries) {
  const ranges = []
  let comparable = false
  ;(a.ranges || []).forEach((r, ri) => {
    const type = String(r.type).toUpperCase()
    if (type === 'GIT') return
    if (type !== 'SEMVER' && type !== 'ECOSYSTEM') throw new RecordError(`ranges[${ri}] type ${r.type}`)
    const events = []
    const limits = []
    ;(r.events || []).forEach((e, ei) => {
      const set = FIELDS.filter(f => e[f] !== undefined && e[f] !== null)
      if (set.length !== 1) throw new RecordError(`ranges[${ri}].events[${ei}] sets ${set.length} fields`)
      const field = set[0]
      const value = e[field]
      const where = `ranges[${ri}].events[${ei}].${field}`
      if (field === 'limit') {
        if (String(value).includes('*')) limits.push(null)
        else limits.push(eventVersion(value, where))
      } else if (field === 'introduced' && String(value).trim() === '0') {
        events.push({ field, v: null })
      } else {
        events.push({ field, v: eventVersion(value, where) })
      }
    })
    if (!events.some(e => e.field === 'introduced')) throw new RecordError(`ranges[${ri}] has no introduced`)
    // Array.prototype.sort is stable: equal versions keep the record's order.
    events.sort((x, y) => (x.v === null ? (y.v === null ? 0 : -1) : y.v === null ? 1 : semver.compare(x.v, y.v)))
    for (const e of events) if (e.v) boundaries.push(e.v)
    for (const l of limits) if (l) boundaries.push(l)
    ranges.push({ events, limits })
    comparable = true
  })
  const versions = []
  for (const listed of a.versions || []) {
    const v = semver.parse(listed)
    if (v) {
      versions.push(v)
      boundaries.push(v)
    }
    comparable = true
  }
  if (!comparable) throw new RecordError('no versions and no SEMVER/ECOSYSTEM range')
  return { ranges, versions }
}

// The OSV spec's IncludedInVersions || IncludedInRanges.
function osvAffected (compiled, version) {
  const v = semver.parse(version)
  if (compiled.versions.some(listed => semver.eq(listed, v))) return true
  for (const r of compiled.ranges) {
    const beforeLimits = r.limits.length === 0 || r.limits.some(l => l === null || semver.lt(v, l))
    if (!beforeLimits) continue
    let vulnerable = false
    for (const e of r.events) {
      if (e.field === 'introduced' && (e.v === null || semver.gte(v, e.v))) vulnerable = true
      else if (e.field === 'fixed' && semver.gte(v, e.v)) vulnerable = false
      else if (e.field === 'last_affected' && semver.gt(v, e.v)) vulnerable = false
    }
    if (vulnerable) return true
  }
  return false
}

function osvCases (record, source) {
  const byPackage = new Map()
  ;(record.affected || []).forEach(a => {
    if (!a.package || String(a.package.ecosystem).toLowerCase() !== 'npm') return
    if (!byPackage.has(a.package.name)) byPackage.set(a.package.name, [])
    byPackage.get(a.package.name).push(a)
  })
  const cases = []
  for (const [pkg, entries] of byPackage) {
    const c = { kind: 'osv', source, id: record.id, package: pkg }
    try {
      const boundaries = []
      const compiled = entries.map(a => compileAffected(a, boundaries))
      const { extra, all } = versionList(boundaries)
      c.versions = extra
      c.affected = all.map(v => (compiled.some(ca => osvAffected(ca, v)) ? '1' : '0')).join('')
    } catch (e) {
      if (!(e instanceof RecordError)) throw e
      c.error = e.message
    }
    cases.push(c)
  }
  return cases
}

// ---------------------------------------------------------------- npm ranges

function rangeCase (range, fields) {
  const c = { ...fields }
  let parsed
  try {
    parsed = new semver.Range(range, LEGACY_OPTS)
  } catch (e) {
    c.error = e.message
    return c
  }
  c.node_range = parsed.range
  const boundaries = []
  for (const set of parsed.set) for (const comp of set) if (comp.semver && comp.semver.version) boundaries.push(comp.semver)
  const { extra, all } = versionList(boundaries)
  c.versions = extra
  c.affected = all.map(v => (semver.satisfies(v, range, LEGACY_OPTS) ? '1' : '0')).join('')
  return c
}

// Forms the advisories do not use, so that the grammar npm accepts is covered too.
const SYNTHETIC_RANGES = [
  '1.2.3 - 2.3.4', '1.2 - 2.3.4', '1.2.3 - 2', '1.2.3-beta.2 - 2.0.0-rc.1', '* - 2', '^1.2.3',
  '^1.2.3-beta.1', '^0.0.3', '^0.1', '^0.x', '^1', '~1.2.3', '~1.2', '~1', '~> 1.2.3', '~0.0.1',
  '1.x', '1.2.x', '1.X || >=2.5.0', '>1.2', '>=1.2', '<1.2', '<=1.2', '>1', '<=1', '=1.2', '*',
  '', 'x', '>=*', '<*', '>=0.0.0', '>=0.0.0-0', '<0.0.0', '<0.0.0-0', '1.0.0 ||', '|| 1.0.0',
  '>= 1.2.3 < 2', '<5.0.3 >=5.0.0 || < 4.2.1', 'v1.2.3', '=v1.2.3', '1.2.3+build.5',
  '>=1.2.3+build <2', '1.2.3beta', '>=01.02.03', '^ 1.2', '~ 1.2', '2.1.0-M1 || 2.1.0-M2',
  '>=3.0.0-beta.1 <3.0.0-beta.7', '<=2.0.0-rc7', '1.2.3 - 2.3.4 || >=5',
  // node rejects these; so must we.
  'x.1', 'latest', '>=1.2.3.4',
]

// ---------------------------------------------------------------- data

function readJson (file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'))
}

function main () {
  const notes = []
  const osv = []
  const osvDir = path.join(dataDir, 'osv', 'npm')
  for (const f of fs.readdirSync(osvDir).filter(f => f.endsWith('.json')).sort()) {
    osv.push(...osvCases(readJson(path.join(osvDir, f)), `osv/npm/${f}`))
  }

  const bulk = []
  const bulkDir = path.join(dataDir, 'osv', 'npm-bulk')
  const archives = fs.readdirSync(bulkDir).filter(f => f.endsWith('.tar.zst')).sort()
  let zstd = true
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' })
  } catch {
    zstd = false
    notes.push('zstd is not installed: the malicious-package archives were skipped')
  }
  if (zstd) {
    for (const archive of archives) {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'semver-expectations-'))
      try {
        execFileSync('sh', ['-c', 'zstd -dc "$1" | tar x -C "$2"', 'sh', path.join(bulkDir, archive), tmp])
        const files = []
        const walk = (dir, rel) => {
          for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const r = rel ? `${rel}/${e.name}` : e.name
            if (e.isDirectory()) walk(path.join(dir, e.name), r)
            else if (e.name.endsWith('.json')) files.push(r)
          }
        }
        walk(tmp, '')
        files.sort()
        for (let i = 0; i < files.length; i += SAMPLE_EVERY) {
          bulk.push(...osvCases(readJson(path.join(tmp, files[i])), `osv/npm-bulk/${archive}#${files[i]}`))
        }
        notes.push(`${archive}: ${files.length} records, every ${SAMPLE_EVERY}th (sorted by path) sampled`)
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true })
      }
    }
  }

  const legacy = []
  const legacyDir = path.join(dataDir, 'advisories', 'nodejs-security-wg')
  const numeric = f => parseInt(f, 10)
  for (const f of fs.readdirSync(legacyDir).filter(f => f.endsWith('.json')).sort((a, b) => numeric(a) - numeric(b))) {
    const a = readJson(path.join(legacyDir, f))
    legacy.push(rangeCase(a.vulnerable_versions, {
      kind: 'legacy', source: `advisories/nodejs-security-wg/${f}`, id: a.id, package: a.module_name,
    }))
  }

  const synthetic = SYNTHETIC_RANGES.map(r => rangeCase(r, { kind: 'synthetic', range: r }))

  const all = [...osv, ...bulk, ...legacy, ...synthetic]
  const pairs = all.reduce((n, c) => n + (c.affected ? c.affected.length : 0), 0)
  const out = {
    header: {
      produced_by: 'node crates/advisory/tests/reference/semver-expectations.js',
      date: new Date().toISOString().slice(0, 10),
      node: process.version,
      semver: semverVersion,
      semver_from: '$(npm root -g)/npm/node_modules/semver',
      legacy_options: LEGACY_OPTS,
      common_versions: COMMON,
      layout: 'each case is checked at common_versions followed by its own versions; affected has one 1/0 per version of that sequence',
      notes,
      counts: {
        osv_cases: osv.length,
        bulk_cases: bulk.length,
        legacy_cases: legacy.length,
        synthetic_cases: synthetic.length,
        error_cases: all.filter(c => c.error).length,
        pairs,
      },
    },
    cases: all,
  }
  // One case per line: small diffs when the data or node changes.
  const body = out.cases.map(c => JSON.stringify(c)).join(',\n')
  fs.writeFileSync(outFile, `{"header": ${JSON.stringify(out.header, null, 2)},\n"cases": [\n${body}\n]}\n`)
  console.log(`wrote ${path.relative(process.cwd(), outFile)}: ${all.length} cases, ${pairs} (case, version) pairs`)
}

main()
