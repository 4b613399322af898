//! Each language gets a small real file with a free function, a class (or impl) with
//! methods, a constant, a hard stub, a TODO marker and a definition-looking comment, and a
//! second file that uses some of it; a README mentions names too. The assertions are on
//! the exact lists, so a pattern that also matches something it should not fails a test.

use std::fs;
use std::path::Path;

use super::patterns::PATTERNS;
use super::*;

type Row = (String, u32, DefKind, Option<String>);

fn write(root: &Path, rel: &str, content: &[u8]) {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).expect("create the fixture's folder");
    }
    fs::write(path, content).expect("write a fixture file");
}

fn build(files: &[(&str, &str)]) -> (tempfile::TempDir, CodeIndex) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (rel, content) in files {
        write(dir.path(), rel, content.as_bytes());
    }
    let index = CodeIndex::build(dir.path());
    (dir, index)
}

fn defs(index: &CodeIndex, file: &str) -> Vec<Row> {
    index
        .all_definitions()
        .iter()
        .filter(|d| d.file == file)
        .map(|d| (d.name.clone(), d.line, d.kind, d.container.clone()))
        .collect()
}

fn row(name: &str, line: u32, kind: DefKind, container: Option<&str>) -> Row {
    (name.to_string(), line, kind, container.map(str::to_string))
}

fn stubs(index: &CodeIndex, file: &str) -> Vec<(u32, StubKind, Option<String>)> {
    index
        .stubs_in(file)
        .iter()
        .map(|s| (s.line, s.kind, s.inside.clone()))
        .collect()
}

fn stub(line: u32, kind: StubKind, inside: &str) -> (u32, StubKind, Option<String>) {
    (line, kind, Some(inside.to_string()))
}

fn ident(span: &str) -> Ident {
    Ident::parse(span).expect("an identifier")
}

/// The one definition of `name` in `file`.
fn def<'a>(index: &'a CodeIndex, name: &str, file: &str) -> &'a Definition {
    let found: Vec<&Definition> = index
        .all_definitions()
        .iter()
        .filter(|d| d.name == name && d.file == file)
        .collect();
    assert_eq!(found.len(), 1, "{name} in {file}: {found:?}");
    found[0]
}

fn stub_of(index: &CodeIndex, name: &str, file: &str) -> Option<StubKind> {
    def(index, name, file).stub
}

const README: &str = "# Notes\n\n`register` and `export` are done. See `def register` and \
                      `fn display_name`, `parse_config_file`, `handleClick`, `Register`.\n";

#[test]
fn every_pattern_compiles() {
    for (i, pat) in PATTERNS.all().iter().enumerate() {
        assert!(pat.is_compiled(), "pattern {i} does not compile");
    }
}

#[test]
fn rust_definitions_stubs_and_references() {
    let naming = r#"//! Display names. fn not_a_definition() in a doc comment.
use std::fmt;

pub const MAX_LEN: usize = 64;

pub struct UserName {
    raw: String,
}

impl UserName {
    pub fn display_name(&self) -> String {
        self.raw.trim().to_string()
    }

    pub fn initials(&self) -> String {
        todo!()
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // TODO: truncate to MAX_LEN
        write!(f, "{}", self.display_name())
    }
}

pub fn parse_config_file(text: &str) -> Option<UserName> {
    let s = "fn fake_in_string() {}";
    unimplemented!("{s}{text}")
}

mod inner {
    pub(crate) fn helper() -> u32 { 1 }
}
"#;
    let main = "mod naming;\nfn main() {\n    let n = naming::parse_config_file(\"x\");\n}\n";
    let (_dir, index) = build(&[
        ("src/naming.rs", naming),
        ("src/main.rs", main),
        ("README.md", README),
    ]);
    assert_eq!(
        defs(&index, "src/naming.rs"),
        vec![
            row("MAX_LEN", 4, DefKind::Constant, None),
            row("UserName", 6, DefKind::Type, None),
            row("display_name", 11, DefKind::Method, Some("UserName")),
            row("initials", 15, DefKind::Method, Some("UserName")),
            row("fmt", 21, DefKind::Method, Some("UserName")),
            row("parse_config_file", 27, DefKind::Function, None),
            row("inner", 32, DefKind::Module, None),
            row("helper", 33, DefKind::Function, Some("inner")),
        ]
    );
    assert_eq!(
        defs(&index, "src/main.rs"),
        vec![
            row("naming", 1, DefKind::Module, None),
            row("main", 2, DefKind::Function, None),
        ]
    );
    assert_eq!(
        stubs(&index, "src/naming.rs"),
        vec![
            stub(16, StubKind::Todo, "initials"),
            stub(22, StubKind::Marker, "fmt"),
            stub(29, StubKind::Unimplemented, "parse_config_file"),
        ]
    );
    assert_eq!(
        stub_of(&index, "initials", "src/naming.rs"),
        Some(StubKind::Todo)
    );
    assert_eq!(stub_of(&index, "fmt", "src/naming.rs"), None);
    assert_eq!(
        stub_of(&index, "parse_config_file", "src/naming.rs"),
        Some(StubKind::Unimplemented)
    );
    let parse = def(&index, "parse_config_file", "src/naming.rs");
    assert_eq!(index.references_outside(parse), vec!["src/main.rs"]);
    // Called only in its own file, named in the README: not wired.
    let display = def(&index, "display_name", "src/naming.rs");
    assert!(index.references_outside(display).is_empty());
    assert!(index.definitions(&ident("not_a_definition")).is_empty());
    assert!(index.definitions(&ident("fake_in_string")).is_empty());
    assert!(index.files().iter().any(|f| f == "README.md"));
    assert!(
        index
            .definitions(&ident("display_name"))
            .iter()
            .all(|d| d.file == "src/naming.rs")
    );
}

#[test]
fn rust_qualified_identifiers_resolve_by_container_file_and_module() {
    let (_dir, index) = build(&[
        (
            "src/naming.rs",
            "pub struct UserName;\nimpl UserName {\n    pub fn display_name(&self) {}\n}\n",
        ),
        (
            "src/report/mod.rs",
            "pub fn display_name() {}\npub mod format {\n    pub fn render() {}\n}\n",
        ),
    ]);
    let found = |span: &str| -> Vec<(String, bool)> {
        index
            .definitions(&ident(span))
            .iter()
            .map(|d| (d.file.clone(), d.qualified_match))
            .collect()
    };
    assert_eq!(
        found("naming::display_name"),
        vec![("src/naming.rs".to_string(), true)]
    );
    assert_eq!(
        found("UserName::display_name"),
        vec![("src/naming.rs".to_string(), true)]
    );
    // `report/mod.rs` is the module `report`.
    assert_eq!(
        found("crate::report::display_name"),
        vec![("src/report/mod.rs".to_string(), true)]
    );
    assert_eq!(
        found("format::render()"),
        vec![("src/report/mod.rs".to_string(), true)]
    );
    // An unknown qualifier gives every definition of the name, flagged.
    assert_eq!(
        found("Billing::display_name"),
        vec![
            ("src/naming.rs".to_string(), false),
            ("src/report/mod.rs".to_string(), false),
        ]
    );
    assert_eq!(
        found("display_name"),
        vec![
            ("src/naming.rs".to_string(), true),
            ("src/report/mod.rs".to_string(), true),
        ]
    );
}

#[test]
fn rust_lexing_keeps_braces_lifetimes_and_raw_strings_apart() {
    let src = r###"pub struct Parser<'a> {
    text: &'a str,
}

impl<'a> Parser<'a> {
    pub fn open(&self) -> char {
        '{'
    }

    pub fn fixture(&self) -> &'static str {
        r#"fn inside_raw() { todo!() }
"}"#
    }

    pub fn label(&self) {
        'outer: loop {
            break 'outer;
        }
    }
}

pub fn after() {}
"###;
    let (_dir, index) = build(&[("src/parser.rs", src)]);
    assert_eq!(
        defs(&index, "src/parser.rs"),
        vec![
            row("Parser", 1, DefKind::Type, None),
            row("open", 6, DefKind::Method, Some("Parser")),
            row("fixture", 10, DefKind::Method, Some("Parser")),
            row("label", 15, DefKind::Method, Some("Parser")),
            row("after", 22, DefKind::Function, None),
        ]
    );
    assert!(stubs(&index, "src/parser.rs").is_empty());
}

#[test]
fn python_definitions_stubs_and_references() {
    let users = r#""""Users. def not_a_def(): in a docstring."""
from abc import ABC, abstractmethod

MAX_USERS = 100
default_role = "member"


class UserService:
    """Registers users."""

    table = "users"

    def register(self, email):
        # FIXME: validate the email
        return self.table + email

    async def deactivate(self, user_id):
        """Not done yet."""
        pass

    def export(self):
        raise NotImplementedError


class Base(ABC):
    @abstractmethod
    def run(self):
        raise NotImplementedError


def parse_config(path):
    ...


def helper(x): return x * 2
# def commented_out(): pass
"#;
    let app = "from users import UserService\n\nservice = UserService()\nservice.register(\"a@b.c\")\nprint(\"call export and deactivate later\")\n";
    let (_dir, index) = build(&[("users.py", users), ("app.py", app), ("README.md", README)]);
    assert_eq!(
        defs(&index, "users.py"),
        vec![
            row("MAX_USERS", 4, DefKind::Constant, None),
            row("default_role", 5, DefKind::Variable, None),
            row("UserService", 8, DefKind::Type, None),
            row("table", 11, DefKind::Variable, Some("UserService")),
            row("register", 13, DefKind::Method, Some("UserService")),
            row("deactivate", 17, DefKind::Method, Some("UserService")),
            row("export", 21, DefKind::Method, Some("UserService")),
            row("Base", 25, DefKind::Type, None),
            row("run", 27, DefKind::Method, Some("Base")),
            row("parse_config", 31, DefKind::Function, None),
            row("helper", 35, DefKind::Function, None),
        ]
    );
    assert_eq!(
        stubs(&index, "users.py"),
        vec![
            stub(14, StubKind::Marker, "register"),
            stub(19, StubKind::PassBody, "deactivate"),
            stub(22, StubKind::NotImplementedError, "export"),
            stub(32, StubKind::PassBody, "parse_config"),
        ]
    );
    assert_eq!(
        stub_of(&index, "deactivate", "users.py"),
        Some(StubKind::PassBody)
    );
    assert_eq!(
        stub_of(&index, "export", "users.py"),
        Some(StubKind::NotImplementedError)
    );
    // Abstract: a declaration, not a stub.
    assert_eq!(stub_of(&index, "run", "users.py"), None);
    assert_eq!(stub_of(&index, "register", "users.py"), None);
    assert_eq!(stub_of(&index, "helper", "users.py"), None);
    let register = def(&index, "register", "users.py");
    assert_eq!(index.references_outside(register), vec!["app.py"]);
    // Named only in a prose string and in the README.
    let export = def(&index, "export", "users.py");
    assert!(index.references_outside(export).is_empty());
    let found = index.definitions(&ident("UserService.register"));
    assert_eq!(found.len(), 1);
    assert!(found[0].qualified_match);
    assert!(index.definitions(&ident("not_a_def")).is_empty());
    assert!(index.definitions(&ident("commented_out")).is_empty());
}

#[test]
fn python_bodies_with_decorators_multiline_signatures_and_protocols() {
    let src = r#"from typing import Protocol, overload


class Greeter(Protocol):
    def greet(self, name: str) -> str:
        ...


@overload
def load(x: int) -> int: ...
def load(x):
    return x


def build_report(
    rows,
    columns,
):
    """Builds the report.

    def not_inside(): pass
    """
    pass


def outer():
    def inner():
        pass
    return inner


def works():
    """Docstring, then real code."""
    return 1
"#;
    let (_dir, index) = build(&[("report.py", src)]);
    assert_eq!(
        defs(&index, "report.py"),
        vec![
            row("Greeter", 4, DefKind::Type, None),
            row("greet", 5, DefKind::Method, Some("Greeter")),
            row("load", 10, DefKind::Function, None),
            row("load", 11, DefKind::Function, None),
            row("build_report", 15, DefKind::Function, None),
            row("outer", 26, DefKind::Function, None),
            row("inner", 27, DefKind::Function, None),
            row("works", 32, DefKind::Function, None),
        ]
    );
    // The protocol member and the overload are declarations; `outer` has real code.
    assert_eq!(
        stubs(&index, "report.py"),
        vec![
            stub(23, StubKind::PassBody, "build_report"),
            stub(28, StubKind::PassBody, "inner"),
        ]
    );
}

#[test]
fn typescript_definitions_stubs_and_references() {
    let service = r#"// function notADefinition() in a comment
export const MAX_RETRIES = 3;

export interface User {
  email: string;
  register(email: string): Promise<User>;
}

export class UserService {
  private users: User[] = [];

  async register(email: string): Promise<User> {
    throw new Error("Not implemented");
  }

  handleClick = (event: Event) => {
    // TODO: debounce
    console.log(event);
  };

  get count(): number {
    return this.users.length;
  }
}

export function parseConfigFile(text: string) {
  return JSON.parse(text);
}

export const formatName = (user: User): string => `${user.email}`;

const template = `
function fakeInTemplate() {}
`;

export type UserId = string;
"#;
    let app = r#"import { UserService, formatName } from "./user-service";

const svc = new UserService();

export function App({ user }) {
  if (!user) throw new Error("invalid user");
  return <div onClick={svc.handleClick}>{formatName(user)}</div>;
}
"#;
    let (_dir, index) = build(&[
        ("src/user-service.ts", service),
        ("src/app.tsx", app),
        ("config/routes.json", "{ \"parse\": \"parseConfigFile\" }\n"),
        ("README.md", README),
    ]);
    assert_eq!(
        defs(&index, "src/user-service.ts"),
        vec![
            row("MAX_RETRIES", 2, DefKind::Constant, None),
            row("User", 4, DefKind::Type, None),
            row("register", 6, DefKind::Method, Some("User")),
            row("UserService", 9, DefKind::Type, None),
            row("register", 12, DefKind::Method, Some("UserService")),
            row("handleClick", 16, DefKind::Method, Some("UserService")),
            row("count", 21, DefKind::Method, Some("UserService")),
            row("parseConfigFile", 26, DefKind::Function, None),
            row("formatName", 30, DefKind::Function, None),
            row("template", 32, DefKind::Variable, None),
            row("UserId", 36, DefKind::Type, None),
        ]
    );
    assert_eq!(
        defs(&index, "src/app.tsx"),
        vec![
            row("svc", 3, DefKind::Variable, None),
            row("App", 5, DefKind::Function, None),
        ]
    );
    assert_eq!(
        stubs(&index, "src/user-service.ts"),
        vec![
            stub(13, StubKind::ThrowNotImplemented, "register"),
            stub(17, StubKind::Marker, "handleClick"),
        ]
    );
    // "invalid user" is a real error, not a stub.
    assert!(stubs(&index, "src/app.tsx").is_empty());
    let click = def(&index, "handleClick", "src/user-service.ts");
    assert_eq!(index.references_outside(click), vec!["src/app.tsx"]);
    // Wired through configuration: a string that is a name, not prose.
    let parse = def(&index, "parseConfigFile", "src/user-service.ts");
    assert_eq!(index.references_outside(parse), vec!["config/routes.json"]);
    let found = index.definitions(&ident("UserService.register"));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, 12);
    assert!(index.definitions(&ident("notADefinition")).is_empty());
    assert!(index.definitions(&ident("fakeInTemplate")).is_empty());
}

#[test]
fn javascript_module_forms() {
    let src = r#"'use strict';
const path = require('path');

function helper() {}

exports.register = function (email) {
  throw new Error('TODO');
};

module.exports.deactivate = async (id) => {
  return id;
};

export default class Store {
  static create() {
    return new Store();
  }

  #secret() {}

  get(key) {
    return key;
  }
}
"#;
    let (_dir, index) = build(&[("lib/store.mjs", src)]);
    assert_eq!(
        defs(&index, "lib/store.mjs"),
        vec![
            row("path", 2, DefKind::Variable, None),
            row("helper", 4, DefKind::Function, None),
            row("register", 6, DefKind::Function, None),
            row("deactivate", 10, DefKind::Function, None),
            row("Store", 14, DefKind::Type, None),
            row("create", 15, DefKind::Method, Some("Store")),
            row("secret", 19, DefKind::Method, Some("Store")),
            row("get", 21, DefKind::Method, Some("Store")),
        ]
    );
    assert_eq!(
        stubs(&index, "lib/store.mjs"),
        vec![stub(7, StubKind::ThrowNotImplemented, "register")]
    );
}

#[test]
fn go_definitions_stubs_and_references() {
    let service = r#"package users

import "errors"

// func notADefinition() in a comment
const MaxUsers = 10

var (
	ErrExists = errors.New("exists")
	registry  = map[string]bool{}
)

type Service struct {
	name string
}

type Store interface {
	Save(email string) error
}

func NewService() *Service {
	return &Service{}
}

func (s *Service) Register(email string) error {
	// TODO: check the domain
	registry[email] = true
	return nil
}

func (s Service) Export() error {
	panic("not implemented")
}
"#;
    let main = "package main\n\nimport \"example.com/app/users\"\n\nfunc main() {\n\tsvc := users.NewService()\n\t_ = svc.Register(\"a@b.c\")\n}\n";
    let (_dir, index) = build(&[
        ("users/service.go", service),
        ("cmd/app/main.go", main),
        ("README.md", README),
    ]);
    assert_eq!(
        defs(&index, "users/service.go"),
        vec![
            row("MaxUsers", 6, DefKind::Constant, None),
            row("ErrExists", 9, DefKind::Variable, None),
            row("registry", 10, DefKind::Variable, None),
            row("Service", 13, DefKind::Type, None),
            row("Store", 17, DefKind::Type, None),
            row("Save", 18, DefKind::Method, Some("Store")),
            row("NewService", 21, DefKind::Function, None),
            row("Register", 25, DefKind::Method, Some("Service")),
            row("Export", 31, DefKind::Method, Some("Service")),
        ]
    );
    assert_eq!(
        stubs(&index, "users/service.go"),
        vec![
            stub(26, StubKind::Marker, "Register"),
            stub(32, StubKind::ThrowNotImplemented, "Export"),
        ]
    );
    assert_eq!(
        stub_of(&index, "Export", "users/service.go"),
        Some(StubKind::ThrowNotImplemented)
    );
    let register = def(&index, "Register", "users/service.go");
    assert_eq!(index.references_outside(register), vec!["cmd/app/main.go"]);
    let export = def(&index, "Export", "users/service.go");
    assert!(index.references_outside(export).is_empty());
    // The package is the directory.
    let found = index.definitions(&ident("users.NewService"));
    assert_eq!(found.len(), 1);
    assert!(found[0].qualified_match);
    assert_eq!(index.definitions(&ident("Service.Register")).len(), 1);
}

#[test]
fn java_definitions_stubs_and_references() {
    let service = r#"package app;

import java.util.List;

/** class NotADefinition in a doc comment */
public class UserService {
    public static final int MAX_USERS = 10;
    private final List<String> emails;

    public UserService(List<String> emails) {
        this.emails = emails;
    }

    @Override
    public String toString() {
        return "UserService";
    }

    public boolean register(String email) {
        // TODO: validate
        return emails.add(email);
    }

    public List<String> export() {
        throw new UnsupportedOperationException("Not implemented yet");
    }

    interface Listener {
        void onRegister(String email);
    }
}
"#;
    let main = "package app;\n\npublic class Main {\n    public static void main(String[] args) {\n        new UserService(List.of()).register(\"a@b.c\");\n    }\n}\n";
    let file = "src/main/java/app/UserService.java";
    let (_dir, index) = build(&[
        (file, service),
        ("src/main/java/app/Main.java", main),
        ("README.md", README),
    ]);
    assert_eq!(
        defs(&index, file),
        vec![
            row("UserService", 6, DefKind::Type, None),
            row("MAX_USERS", 7, DefKind::Constant, Some("UserService")),
            row("toString", 15, DefKind::Method, Some("UserService")),
            row("register", 19, DefKind::Method, Some("UserService")),
            row("export", 24, DefKind::Method, Some("UserService")),
            row("Listener", 28, DefKind::Type, Some("UserService")),
            row("onRegister", 29, DefKind::Method, Some("Listener")),
        ]
    );
    assert_eq!(
        stubs(&index, file),
        vec![
            stub(20, StubKind::Marker, "register"),
            stub(25, StubKind::ThrowNotImplemented, "export"),
        ]
    );
    let register = def(&index, "register", file);
    assert_eq!(
        index.references_outside(register),
        vec!["src/main/java/app/Main.java"]
    );
    assert!(index.definitions(&ident("NotADefinition")).is_empty());
}

#[test]
fn kotlin_definitions_stubs_and_references() {
    let service = r#"package app

const val MAX_USERS = 10

data class User(val email: String)

class UserService(private val repo: Repo) {
    fun register(email: String): User {
        // FIXME: dedupe
        return User(email)
    }

    fun export(): List<User> = TODO("export")

    companion object {
        fun create(repo: Repo): UserService = UserService(repo)
    }
}

fun String.slugify(): String = lowercase()

object Registry {
    val users = mutableListOf<User>()
}

interface Repo {
    fun save(user: User)
}
"#;
    let main = "fun main() {\n    val svc = UserService.create(FakeRepo())\n    svc.register(\"a\".slugify())\n}\n";
    let (_dir, index) = build(&[
        ("src/UserService.kt", service),
        ("src/Main.kt", main),
        ("README.md", README),
    ]);
    assert_eq!(
        defs(&index, "src/UserService.kt"),
        vec![
            row("MAX_USERS", 3, DefKind::Constant, None),
            row("User", 5, DefKind::Type, None),
            row("UserService", 7, DefKind::Type, None),
            row("register", 8, DefKind::Method, Some("UserService")),
            row("export", 13, DefKind::Method, Some("UserService")),
            row("create", 16, DefKind::Method, Some("UserService")),
            row("slugify", 20, DefKind::Function, Some("String")),
            row("Registry", 22, DefKind::Type, None),
            row("users", 23, DefKind::Variable, Some("Registry")),
            row("Repo", 26, DefKind::Type, None),
            row("save", 27, DefKind::Method, Some("Repo")),
        ]
    );
    assert_eq!(
        stubs(&index, "src/UserService.kt"),
        vec![
            stub(9, StubKind::Marker, "register"),
            stub(13, StubKind::Todo, "export"),
        ]
    );
    assert_eq!(
        stub_of(&index, "export", "src/UserService.kt"),
        Some(StubKind::Todo)
    );
    let slugify = def(&index, "slugify", "src/UserService.kt");
    assert_eq!(index.references_outside(slugify), vec!["src/Main.kt"]);
    let found = index.definitions(&ident("UserService.create"));
    assert_eq!(found.len(), 1);
    assert!(found[0].qualified_match);
}

#[test]
fn csharp_definitions_stubs_and_references() {
    let service = r#"using System;

namespace App.Services
{
    // class NotADefinition in a comment
    public class UserService
    {
        public const int MaxUsers = 10;

        public UserService()
        {
        }

        public async Task<bool> RegisterAsync(string email)
        {
            // TODO: send the welcome mail
            return await Task.FromResult(true);
        }

        public void Export()
        {
            throw new NotImplementedException();
        }
    }

    public interface IUserStore
    {
        void Save(string email);
    }
}
"#;
    let program =
        "var svc = new App.Services.UserService();\nawait svc.RegisterAsync(\"a@b.c\");\n";
    let (_dir, index) = build(&[
        ("Services/UserService.cs", service),
        ("Program.cs", program),
        ("README.md", README),
    ]);
    assert_eq!(
        defs(&index, "Services/UserService.cs"),
        vec![
            row("Services", 3, DefKind::Module, None),
            row("UserService", 6, DefKind::Type, Some("Services")),
            row("MaxUsers", 8, DefKind::Constant, Some("UserService")),
            row("RegisterAsync", 14, DefKind::Method, Some("UserService")),
            row("Export", 20, DefKind::Method, Some("UserService")),
            row("IUserStore", 26, DefKind::Type, Some("Services")),
            row("Save", 28, DefKind::Method, Some("IUserStore")),
        ]
    );
    assert_eq!(
        stubs(&index, "Services/UserService.cs"),
        vec![
            stub(16, StubKind::Marker, "RegisterAsync"),
            stub(22, StubKind::ThrowNotImplemented, "Export"),
        ]
    );
    let register = def(&index, "RegisterAsync", "Services/UserService.cs");
    assert_eq!(index.references_outside(register), vec!["Program.cs"]);
    let export = def(&index, "Export", "Services/UserService.cs");
    assert!(index.references_outside(export).is_empty());
}

#[test]
fn ruby_definitions_stubs_and_references() {
    let service = r#"# def not_a_definition in a comment
module Accounts
  MAX_USERS = 10

  class UserService < BaseService
    def register(email)
      # TODO: confirm the address
      User.create(email: email)
    end

    def valid?(email)
      email.include?("@")
    end

    def self.build
      new
    end

    def export
      raise NotImplementedError, "later"
    end
  end
end
"#;
    let controller = "class UsersController\n  def create\n    Accounts::UserService.build.register(params[:email])\n  end\nend\n";
    let file = "app/services/user_service.rb";
    let (_dir, index) = build(&[
        (file, service),
        ("app/controllers/users_controller.rb", controller),
        ("README.md", README),
    ]);
    assert_eq!(
        defs(&index, file),
        vec![
            row("Accounts", 2, DefKind::Module, None),
            row("MAX_USERS", 3, DefKind::Constant, Some("Accounts")),
            row("UserService", 5, DefKind::Type, Some("Accounts")),
            row("register", 6, DefKind::Method, Some("UserService")),
            row("valid", 11, DefKind::Method, Some("UserService")),
            row("build", 15, DefKind::Method, Some("UserService")),
            row("export", 19, DefKind::Method, Some("UserService")),
        ]
    );
    assert_eq!(
        stubs(&index, file),
        vec![
            stub(7, StubKind::Marker, "register"),
            stub(20, StubKind::NotImplementedError, "export"),
        ]
    );
    let register = def(&index, "register", file);
    assert_eq!(
        index.references_outside(register),
        vec!["app/controllers/users_controller.rb"]
    );
    assert_eq!(index.definitions(&ident("UserService#register")).len(), 1);
    assert_eq!(index.definitions(&ident("UserService.build")).len(), 1);
}

#[test]
fn php_definitions_stubs_and_references() {
    let service = r#"<?php
namespace App\Services;

// function notADefinition() in a comment
const MAX_USERS = 10;

#[Attribute]
class UserService
{
    public const ROLE = 'member';

    public function register(string $email): bool
    {
        # TODO: validate
        return true;
    }

    public static function export(): array
    {
        throw new \Exception('Not implemented');
    }
}

function helper_fn() {
    return 1;
}
"#;
    let controller = "<?php\n$svc = new \\App\\Services\\UserService();\n$svc->register($email);\n";
    let (_dir, index) = build(&[
        ("src/UserService.php", service),
        ("src/Controller.php", controller),
        ("README.md", README),
    ]);
    assert_eq!(
        defs(&index, "src/UserService.php"),
        vec![
            row("Services", 2, DefKind::Module, None),
            row("MAX_USERS", 5, DefKind::Constant, None),
            row("UserService", 8, DefKind::Type, None),
            row("ROLE", 10, DefKind::Constant, Some("UserService")),
            row("register", 12, DefKind::Method, Some("UserService")),
            row("export", 18, DefKind::Method, Some("UserService")),
            row("helper_fn", 24, DefKind::Function, None),
        ]
    );
    assert_eq!(
        stubs(&index, "src/UserService.php"),
        vec![
            stub(14, StubKind::Marker, "register"),
            stub(20, StubKind::ThrowNotImplemented, "export"),
        ]
    );
    let register = def(&index, "register", "src/UserService.php");
    assert_eq!(
        index.references_outside(register),
        vec!["src/Controller.php"]
    );
    let helper = def(&index, "helper_fn", "src/UserService.php");
    assert!(index.references_outside(helper).is_empty());
}

#[test]
fn a_file_that_only_defines_the_same_name_is_not_a_reference() {
    let (_dir, index) = build(&[
        ("a.py", "def register():\n    return 1\n"),
        ("b.py", "def register():\n    return 2\n"),
        (
            "c.py",
            "# register is called elsewhere\nx = 'register me please'\n",
        ),
    ]);
    let a = def(&index, "register", "a.py");
    assert!(index.references_outside(a).is_empty());
    std::fs::write(
        _dir.path().join("d.py"),
        "from a import register\nregister()\n",
    )
    .expect("write d.py");
    let index = CodeIndex::build(_dir.path());
    let a = def(&index, "register", "a.py");
    assert_eq!(index.references_outside(a), vec!["d.py"]);
}

#[test]
fn close_variants_rank_style_then_extension_then_spelling() {
    let (_dir, index) = build(&[
        (
            "a.py",
            "def parse_config():\n    return 1\n\ndef parseConfigs():\n    return 2\n",
        ),
        (
            "b.ts",
            "export function parseConfigFile() {}\nexport function loadParseConfig() {}\nexport function parseConfigFileSync() {}\nexport function parseArgs() {}\nexport function parseConfig() {}\n",
        ),
        ("C.java", "class ParseConfig {}\n"),
    ]);
    let names: Vec<&str> = index
        .close_variants(&ident("parseConfig"))
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(
        names,
        vec![
            "parse_config",
            "loadParseConfig",
            "parseConfigFile",
            "parseConfigs",
        ],
        "a class is no variant of a function; two words more is another name"
    );
    // A misspelling.
    let names: Vec<&str> = index
        .close_variants(&ident("parseConfgFile"))
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(names.first(), Some(&"parseConfigFile"));
    assert!(index.close_variants(&ident("renderInvoice")).is_empty());
}

#[test]
fn close_variants_are_the_same_kind_and_close_as_a_whole_name() {
    let (_dir, index) = build(&[(
        "s.ts",
        "export interface OpenLedgerOptions { path: string }\n\
export const settings = {};\n\
export function saveSettings() {}\n\
export function parseAppConfig() {}\n\
export class UserStore {}\n\
export interface UserStoreProps {}\n",
    )]);
    let names = |wanted: &str| -> Vec<String> {
        index
            .close_variants(&ident(wanted))
            .iter()
            .map(|d| d.name.clone())
            .collect()
    };
    // The other way round: a type, a fragment, a longer name holding it.
    assert!(names("openLedger(path)").is_empty());
    assert!(names("openLedger").is_empty());
    assert!(names("loadSettings").is_empty());
    assert!(names("settings_store").is_empty());
    assert!(names("saveSettingsToDiskNow").is_empty());
    assert!(names("UserStore()").is_empty(), "a call is no type");
    // Close: one word more, a slip, another style.
    assert!(
        names("saveSettingsNow").is_empty(),
        "a fragment of the name"
    );
    assert_eq!(names("save"), Vec::<String>::new());
    assert_eq!(names("saveAll"), Vec::<String>::new());
    assert_eq!(names("parseAppConfigFileNow"), Vec::<String>::new());
    assert!(
        names("parseApp").is_empty(),
        "parseAppConfig may be its config type"
    );
    assert!(
        names("parseUserConfig").is_empty(),
        "one word of three is another name"
    );
    assert_eq!(names("saveSetting"), ["saveSettings"]);
    assert_eq!(names("save_settings"), ["saveSettings"]);
    assert!(
        names("OpenLedger").is_empty(),
        "the options of a name are not the name"
    );
    assert!(names("UserStoreView").is_empty(), "a fragment: UserStore");
}

#[test]
fn ignored_hidden_binary_non_utf8_and_huge_files() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    write(root, ".gitignore", b"generated/\n*.log\n");
    write(root, "generated/api.rs", b"pub fn generated_fn() {}\n");
    write(root, "debug.log", b"fn logged_fn() {}\n");
    write(root, ".hidden/secret.rs", b"pub fn hidden_fn() {}\n");
    write(
        root,
        "node_modules/pkg/index.js",
        b"function vendored() {}\n",
    );
    write(root, "src/bad.rs", b"pub fn broken() {}\n\xff\xfe\xfd\n");
    write(root, "src/blob.py", b"def blob():\n    pass\n\0\0\0");
    let mut huge = b"pub fn huge_fn() { todo!() }\n".to_vec();
    huge.resize((MAX_FILE_BYTES + 10) as usize, b'\n');
    write(root, "src/huge.rs", &huge);
    write(root, "src/ok.rs", b"pub fn ok_fn() { todo!() }\n");
    let index = CodeIndex::build(root);
    assert_eq!(
        index.files(),
        ["src/bad.rs", "src/blob.py", "src/huge.rs", "src/ok.rs"]
    );
    let names: Vec<&str> = index
        .all_definitions()
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(names, vec!["ok_fn"]);
    assert!(index.stubs_in("src/huge.rs").is_empty());
    assert_eq!(index.stubs_in("src/ok.rs").len(), 1);
    assert!(index.stubs_in("src/missing.rs").is_empty());
}

#[test]
fn stub_messages_must_say_not_implemented() {
    let src = r#"fn a() { panic!("not yet implemented") }
fn b() { panic!("index out of range") }
fn c() {
    let msg = "todo!()";
    // todo!() in a comment
}
"#;
    let go = "package x\n\nfunc A() { panic(\"TODO\") }\nfunc B() { panic(err) }\n";
    let (_dir, index) = build(&[("src/lib.rs", src), ("x.go", go)]);
    assert_eq!(
        stubs(&index, "src/lib.rs"),
        vec![stub(1, StubKind::ThrowNotImplemented, "a")]
    );
    assert_eq!(
        stubs(&index, "x.go"),
        vec![stub(3, StubKind::ThrowNotImplemented, "A")]
    );
}

#[test]
fn ident_parse_accepts_code_identifiers() {
    let cases: &[(&str, &[&str])] = &[
        ("TransactionState", &["TransactionState"]),
        ("naming::display_name", &["naming", "display_name"]),
        (
            "entriesFromSessionManager()",
            &["entriesFromSessionManager"],
        ),
        ("UserService.register", &["UserService", "register"]),
        (
            "user_service.register_user(email)",
            &["user_service", "register_user"],
        ),
        (
            "user_service.register_user(email, name)",
            &["user_service", "register_user"],
        ),
        ("&mut Parser", &["Parser"]),
        ("format_args!", &["format_args"]),
        ("vec_of!()", &["vec_of"]),
        ("MAX_RETRIES", &["MAX_RETRIES"]),
        ("Vec::<u8>::with_capacity", &["Vec", "with_capacity"]),
        ("Plan<T>", &["Plan"]),
        ("User#register", &["User", "register"]),
        ("self.register", &["register"]),
        ("crate::verify::code::Ident", &["verify", "code", "Ident"]),
        ("pub fn parse_plan(text: &str) -> Plan", &["parse_plan"]),
        ("async def register(self, email)", &["register"]),
        ("class UserService", &["UserService"]),
        ("@login_required", &["login_required"]),
        ("os.path.join()", &["os", "path", "join"]),
        ("register", &["register"]),
        ("parse_config?", &["parse_config"]),
    ];
    for (span, want) in cases {
        let got = Ident::parse(span).map(|i| i.segments);
        if want.is_empty() {
            assert_eq!(got, None, "{span}");
        } else {
            let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
            assert_eq!(got, Some(want), "{span}");
        }
    }
    let id = ident("  UserService.register()  ");
    assert_eq!(id.text, "UserService.register()");
    assert_eq!(id.name(), "register");
    assert_eq!(id.qualifier(), Some("UserService"));
}

#[test]
fn ident_parse_rejects_everything_else() {
    for span in [
        "",
        "src/a.rs",
        "users/",
        "./run.sh",
        "config.toml",
        "Cargo.toml",
        "README.md",
        "App.tsx",
        "app.urls",
        "users.views.register",
        "cargo test",
        "git commit -m x",
        "--json",
        "-v",
        "42",
        "3.14",
        "1.2.3",
        "v1.2",
        "true",
        "null",
        "None",
        "self",
        "id",
        "db",
        "TODO",
        "JSON",
        "GET",
        "\"quoted\"",
        "'quoted'",
        "https://example.com/x",
        "example.com",
        "a@b.com",
        "$HOME",
        "#[derive(Debug)]",
        "foo(",
        "bar)",
        "a < b",
        "x => x",
        "fn",
        "String",
        "Vec",
        "Option<T>",
        "npm",
        "json",
        "users#create",
        "key=value",
        "a,b",
        "~/.config",
        "<div>",
        "foo::",
        "::foo",
        "items[0]",
    ] {
        assert_eq!(
            Ident::parse(span),
            None,
            "{span:?} should not be an identifier"
        );
    }
}

#[test]
fn variant_words_split_every_naming_style() {
    let words = |s: &str| split_words(s);
    assert_eq!(words("parseHTTPConfig"), ["parse", "http", "config"]);
    assert_eq!(words("parse_config_file"), ["parse", "config", "file"]);
    assert_eq!(words("ParseConfig"), ["parse", "config"]);
    assert_eq!(words("MAX_RETRIES"), ["max", "retries"]);
    assert_eq!(words("v2Parser"), ["v2", "parser"]);
}

#[test]
fn multi_line_signatures_generics_and_braces_on_their_own_line() {
    let rust = r#"pub(crate) async unsafe fn spawn_all<T>(
    items: Vec<T>,
) -> Result<(), Error>
where
    T: Send,
{
    todo!()
}

impl<T: Into<String>> From<T> for Wrapper<T> where T: Clone {
    fn from(value: T) -> Self {
        unimplemented!()
    }
}

pub trait Store {
    fn get(&self, key: &str) -> Option<String>;
    fn put(&mut self, key: &str) {
        todo!("later")
    }
}
"#;
    let java = r#"public abstract class Shapes {
    public abstract double area();

    protected static <T extends Shape> List<T> sorted(
            List<T> shapes,
            boolean reverse) {
        return shapes;
    }

    private final Map<String, List<Integer>> cache = new HashMap<>();

    Runnable r = new Runnable() {
        @Override public void run() {}
    };
}
"#;
    let csharp = r#"namespace App;

public sealed class Repo<T> : IRepo<T> where T : class
{
    public IReadOnlyList<T> All() => _items;

    public async Task<T?> FindAsync(
        int id,
        CancellationToken ct)
    {
        throw new NotImplementedException("soon");
    }

    public string Name { get; set; }
}
"#;
    let ts = r#"@Component({ selector: "app-root" })
export class AppComponent {
  @Input() label = "";

  @HostListener("click", ["$event"])
  onClick(event: Event): void {}

  @HostListener("window:resize") onResize() {}
}
"#;
    let (_dir, index) = build(&[
        ("src/spawn.rs", rust),
        ("Shapes.java", java),
        ("Repo.cs", csharp),
        ("app.component.ts", ts),
    ]);
    assert_eq!(
        defs(&index, "src/spawn.rs"),
        vec![
            row("spawn_all", 1, DefKind::Function, None),
            row("from", 11, DefKind::Method, Some("Wrapper")),
            row("Store", 16, DefKind::Type, None),
            row("get", 17, DefKind::Method, Some("Store")),
            row("put", 18, DefKind::Method, Some("Store")),
        ]
    );
    assert_eq!(
        stubs(&index, "src/spawn.rs"),
        vec![
            stub(7, StubKind::Todo, "spawn_all"),
            stub(12, StubKind::Unimplemented, "from"),
            stub(19, StubKind::Todo, "put"),
        ]
    );
    assert_eq!(stub_of(&index, "get", "src/spawn.rs"), None);
    assert_eq!(
        defs(&index, "Shapes.java"),
        vec![
            row("Shapes", 1, DefKind::Type, None),
            row("area", 2, DefKind::Method, Some("Shapes")),
            row("sorted", 4, DefKind::Method, Some("Shapes")),
        ]
    );
    assert_eq!(
        defs(&index, "Repo.cs"),
        vec![
            row("App", 1, DefKind::Module, None),
            row("Repo", 3, DefKind::Type, None),
            row("All", 5, DefKind::Method, Some("Repo")),
            row("FindAsync", 7, DefKind::Method, Some("Repo")),
        ]
    );
    assert_eq!(
        stubs(&index, "Repo.cs"),
        vec![stub(11, StubKind::ThrowNotImplemented, "FindAsync")]
    );
    assert_eq!(
        defs(&index, "app.component.ts"),
        vec![
            row("AppComponent", 2, DefKind::Type, None),
            row("onClick", 6, DefKind::Method, Some("AppComponent")),
            row("onResize", 8, DefKind::Method, Some("AppComponent")),
        ]
    );
}

#[test]
fn go_blocks_generics_and_kotlin_expression_bodies() {
    let go = r#"package store

type (
	Key   string
	Cache[K comparable, V any] struct {
		items map[K]V
	}
)

func (c *Cache[K, V]) Get(key K) (V, bool) {
	v, ok := c.items[key]
	return v, ok
}

func Map[T, U any](xs []T, f func(T) U) []U {
	panic("unimplemented")
}
"#;
    let kotlin = r#"sealed interface Result

enum class Color { RED, GREEN }

fun interface Listener {
    fun onEvent(name: String)
}

private suspend fun load(id: Int): String =
    TODO()

val DEFAULT_NAME = "x"
"#;
    let (_dir, index) = build(&[("store/cache.go", go), ("Types.kt", kotlin)]);
    assert_eq!(
        defs(&index, "store/cache.go"),
        vec![
            row("Key", 4, DefKind::Type, None),
            row("Cache", 5, DefKind::Type, None),
            row("Get", 10, DefKind::Method, Some("Cache")),
            row("Map", 15, DefKind::Function, None),
        ]
    );
    assert_eq!(
        stubs(&index, "store/cache.go"),
        vec![stub(16, StubKind::ThrowNotImplemented, "Map")]
    );
    assert_eq!(
        defs(&index, "Types.kt"),
        vec![
            row("Result", 1, DefKind::Type, None),
            row("Color", 3, DefKind::Type, None),
            row("Listener", 5, DefKind::Type, None),
            row("onEvent", 6, DefKind::Method, Some("Listener")),
            row("load", 9, DefKind::Function, None),
            row("DEFAULT_NAME", 12, DefKind::Constant, None),
        ]
    );
    // The expression body continues on the next line.
    assert_eq!(
        stubs(&index, "Types.kt"),
        vec![stub(10, StubKind::Todo, "load")]
    );
    assert_eq!(stub_of(&index, "load", "Types.kt"), Some(StubKind::Todo));
}

#[test]
fn pathological_files_neither_panic_nor_blow_up() {
    let minified = "throw new Error(\"not implemented\");".repeat(20_000);
    let mut files: Vec<(String, String)> = vec![
        ("min.js".into(), minified),
        (
            "unbalanced.rs".into(),
            "}}}} fn a() {{{{ ) ( ] [\n".repeat(50),
        ),
    ];
    // Every language, ending inside every construct that spans lines.
    for (ext, tail) in [
        ("rs", "fn f() { let s = r#\"open"),
        ("rs", "fn f() { let c = '"),
        ("rs", "/* /* nested"),
        ("py", "def f():\n    '''open"),
        ("py", "def f(\n"),
        ("ts", "const s = `open ${"),
        ("go", "var s = `open"),
        ("java", "class A { String s = \"\"\"open"),
        ("kt", "fun f() = \"\"\""),
        ("cs", "class A { string s = @\"open\"\""),
        ("rb", "def f\n  x = \"open"),
        ("php", "<?php\n#[Attr\nfunction f() { $s = 'open"),
    ] {
        files.push((format!("open.{ext}"), tail.to_string()));
    }
    // Random text made of the characters that drive the lexers and trackers.
    let alphabet: Vec<char> = "abfnrx_ \n\t{}()[];:,.=<>!?@#$'\"`\\/*-+|&"
        .chars()
        .collect();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for (i, ext) in [
        "rs", "py", "js", "go", "java", "kt", "cs", "rb", "php", "yaml",
    ]
    .iter()
    .enumerate()
    {
        let mut text = String::new();
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        files.push((format!("random{i}.{ext}"), text));
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (i, (name, text)) in files.iter().enumerate() {
        write(dir.path(), &format!("d{i}/{name}"), text.as_bytes());
    }
    let index = CodeIndex::build(dir.path());
    assert_eq!(index.files().len(), files.len());
    // One line, one stub per kind, however many throws.
    assert_eq!(
        stubs(&index, "d0/min.js"),
        vec![(1, StubKind::ThrowNotImplemented, None)]
    );
}

#[test]
fn the_variant_prefilter_never_drops_what_the_score_accepts() {
    let names = [
        "parseConfig",
        "parseConfigFile",
        "parse_config",
        "ParseConfig",
        "parseConfg",
        "praseConfig",
        "loadConfig",
        "config",
        "parseConfigFileNow",
        "registerUser",
        "registerUsers",
        "register",
        "UserService",
        "user_service_impl",
        "abc",
        "abcd",
        "abcdX",
    ];
    for wanted in names {
        let w = VariantKey::new(wanted);
        for candidate in names {
            let c = VariantKey::new(candidate);
            let scored = variant_score(&w, &c).is_some();
            let kept = could_be_variant(&w.normalized, &c.normalized);
            assert!(
                !scored || kept,
                "{wanted} → {candidate} scores but is filtered out"
            );
            let bag = bag_distance(&w.normalized, &c.normalized);
            let edit = strsim::osa_distance(&w.normalized, &c.normalized);
            assert!(
                bag <= edit,
                "{wanted} / {candidate}: bag {bag} > edit {edit}"
            );
        }
    }
    assert!(!could_be_variant("parseconfig", "loadsettings"));
    assert_eq!(bag_distance("parseconfig", "parseconfg"), 1);
}
