//! Hot spots: files every task may want to touch and no task should touch by the way —
//! manifests, lockfiles, migrations, CI configuration, baton's own configuration. Two
//! sessions that both "just bump a dependency" collide in the lockfile; a migration written
//! on the side reorders the schema's history. A hot spot changed by a session must be in one
//! of its tasks' scopes explicitly (docs/audit.md, "Hot spots").

use rustc_hash::FxHashSet;

use crate::graph::scope::Pattern;

/// Built-in hot spots matched by file name, in any folder, with what they are.
const NAMES: &[(&str, &str)] = &[
    ("Cargo.toml", "manifest"),
    ("Cargo.lock", "lockfile"),
    ("package.json", "manifest"),
    ("package-lock.json", "lockfile"),
    ("npm-shrinkwrap.json", "lockfile"),
    ("pnpm-lock.yaml", "lockfile"),
    ("pnpm-workspace.yaml", "manifest"),
    ("yarn.lock", "lockfile"),
    ("bun.lock", "lockfile"),
    ("bun.lockb", "lockfile"),
    ("deno.json", "manifest"),
    ("deno.lock", "lockfile"),
    ("go.mod", "manifest"),
    ("go.sum", "lockfile"),
    ("go.work", "manifest"),
    ("pyproject.toml", "manifest"),
    ("poetry.lock", "lockfile"),
    ("uv.lock", "lockfile"),
    ("Pipfile", "manifest"),
    ("Pipfile.lock", "lockfile"),
    ("setup.py", "manifest"),
    ("setup.cfg", "manifest"),
    ("Gemfile", "manifest"),
    ("Gemfile.lock", "lockfile"),
    ("composer.json", "manifest"),
    ("composer.lock", "lockfile"),
    ("pom.xml", "manifest"),
    ("build.gradle", "manifest"),
    ("build.gradle.kts", "manifest"),
    ("settings.gradle", "manifest"),
    ("settings.gradle.kts", "manifest"),
    ("gradle.lockfile", "lockfile"),
    ("packages.lock.json", "lockfile"),
    ("Directory.Packages.props", "manifest"),
    ("mix.exs", "manifest"),
    ("mix.lock", "lockfile"),
    ("Package.swift", "manifest"),
    ("Package.resolved", "lockfile"),
    ("flake.nix", "manifest"),
    ("flake.lock", "lockfile"),
    ("rust-toolchain.toml", "manifest"),
    (".gitlab-ci.yml", "CI configuration"),
    (".travis.yml", "CI configuration"),
    ("azure-pipelines.yml", "CI configuration"),
    ("bitbucket-pipelines.yml", "CI configuration"),
    ("Jenkinsfile", "CI configuration"),
    ("baton.toml", "baton configuration"),
];

/// Built-in hot spots matched by a file name glob, in any folder.
const NAME_GLOBS: &[(&str, &str)] = &[
    ("requirements*.txt", "manifest"),
    ("*.gemspec", "manifest"),
    ("*.csproj", "manifest"),
];

/// Built-in hot spot folders: everything below them.
const FOLDERS: &[(&str, &str)] = &[
    ("**/migrations", "migration"),
    ("db/migrate", "migration"),
    ("**/alembic/versions", "migration"),
    (".github/workflows", "CI configuration"),
    (".circleci", "CI configuration"),
    (".buildkite", "CI configuration"),
];

/// The hot spots of a project: the built-in list and `[audit] hot_spots`.
#[derive(Debug)]
pub struct HotSpots {
    names: FxHashSet<&'static str>,
    name_globs: Vec<(Pattern, String)>,
    paths: Vec<(Pattern, String)>,
}

impl HotSpots {
    /// The built-in list plus `extra` patterns (a bare name or name glob matches in any
    /// folder; a pattern with a `/` is read from the repository root).
    pub fn new(extra: &[String]) -> HotSpots {
        let mut name_globs: Vec<(Pattern, String)> = NAME_GLOBS
            .iter()
            .map(|(g, what)| (Pattern::new(g), (*what).to_string()))
            .collect();
        let mut paths: Vec<(Pattern, String)> = FOLDERS
            .iter()
            .map(|(p, what)| (Pattern::new(p), (*what).to_string()))
            .collect();
        for raw in extra {
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let pattern = Pattern::new(raw);
            if raw.trim_end_matches('/').contains('/') {
                paths.push((pattern, format!("hot spot `{raw}`")));
            } else {
                name_globs.push((pattern, format!("hot spot `{raw}`")));
            }
        }
        HotSpots {
            names: NAMES.iter().map(|(n, _)| *n).collect(),
            name_globs,
            paths,
        }
    }

    /// What `path` (root-relative) is, when it is a hot spot: `lockfile`, `migration`…
    pub fn kind(&self, path: &str) -> Option<String> {
        let name = path.rsplit('/').next().unwrap_or(path);
        if self.names.contains(name) {
            return NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, what)| (*what).to_string());
        }
        self.name_globs
            .iter()
            .find(|(g, _)| g.covers(name))
            .or_else(|| self.paths.iter().find(|(p, _)| p.covers(path)))
            .map(|(_, what)| what.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_and_configured_hot_spots() {
        let hot = HotSpots::new(&["*.proto".into(), "db/schema/**".into()]);
        let kind = |p: &str| hot.kind(p);
        assert_eq!(kind("Cargo.lock").as_deref(), Some("lockfile"));
        assert_eq!(kind("crates/x/Cargo.toml").as_deref(), Some("manifest"));
        assert_eq!(kind("requirements-dev.txt").as_deref(), Some("manifest"));
        assert_eq!(
            kind("app/migrations/0001_init.py").as_deref(),
            Some("migration")
        );
        assert_eq!(
            kind("db/migrate/001_users.rb").as_deref(),
            Some("migration")
        );
        assert_eq!(
            kind(".github/workflows/ci.yml").as_deref(),
            Some("CI configuration")
        );
        assert_eq!(
            kind("api/user.proto").as_deref(),
            Some("hot spot `*.proto`")
        );
        assert_eq!(
            kind("db/schema/users.sql").as_deref(),
            Some("hot spot `db/schema/**`")
        );
        assert_eq!(kind("src/lib.rs"), None);
        assert_eq!(kind("src/migrations.rs"), None);
        assert_eq!(kind("docs/Cargo.toml.md"), None);
    }
}
