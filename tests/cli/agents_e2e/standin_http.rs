//! The HTTP side of the model stand-ins: a loopback HTTP/1.1 server (keep-alive, chunked
//! request bodies) that records every request and answers each through the API-specific
//! `answer` function of [`super::anthropic`], [`super::openai`] or [`super::gemini`].
//!
//! Hand-written on purpose: the agent CLIs need nothing but plain HTTP/1.1 from a stand-in,
//! and the test binary stays free of a web framework.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::AGENT_TIMEOUT;

/// One request the stand-in received, its body parsed (`Null` when it is not JSON).
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub body: Value,
}

/// The answer to one request.
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Reply {
    pub fn json(value: &Value) -> Reply {
        Reply {
            status: 200,
            content_type: "application/json",
            body: value.to_string(),
        }
    }

    pub fn sse(body: String) -> Reply {
        Reply {
            status: 200,
            content_type: "text/event-stream",
            body,
        }
    }

    pub fn not_found(what: &str) -> Reply {
        Reply {
            status: 404,
            content_type: "application/json",
            body: serde_json::json!({"error": {"message": format!("not scripted: {what}")}})
                .to_string(),
        }
    }
}

/// Turns a request into its answer; `n` counts the requests answered so far.
pub type Answer = Arc<dyn Fn(&Seen, usize) -> Reply + Send + Sync>;

/// A running stand-in on 127.0.0.1 (its threads end with the test binary).
pub struct Server {
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    pub fn start(answer: Answer) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the stand-in API");
        let port = listener.local_addr().expect("stand-in address").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let log = Arc::clone(&log);
                let answer = Arc::clone(&answer);
                std::thread::spawn(move || {
                    // A connection that breaks mid-request just ends; the CLIs retry.
                    let _ = serve_connection(stream, &log, &answer);
                });
            }
        });
        Server { port, seen }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().expect("stand-in log").clone()
    }

    /// One line per request, for failure messages.
    pub fn trace(&self) -> String {
        self.requests()
            .iter()
            .map(|s| format!("{} {}", s.method, s.path))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// An HTTP request as read off the wire.
struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string())
}

/// Reads one request; `None` when the client closed the connection between requests.
fn read_request(reader: &mut impl BufRead) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut words = line.split_whitespace();
    let method = words
        .next()
        .ok_or_else(|| invalid("no method"))?
        .to_string();
    let path = words.next().ok_or_else(|| invalid("no path"))?.to_string();
    let mut headers = HashMap::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(invalid("headers cut short"));
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let mut body = Vec::new();
    let chunked = headers
        .get("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let size_text = line.trim().split(';').next().unwrap_or_default();
            let size =
                usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
            if size == 0 {
                // Trailers, up to the empty line.
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                        break;
                    }
                }
                break;
            }
            let start = body.len();
            body.resize(start + size, 0);
            reader.read_exact(&mut body[start..])?;
            line.clear();
            reader.read_line(&mut line)?;
        }
    } else if let Some(len) = headers.get("content-length") {
        let len: usize = len.parse().map_err(|_| invalid("bad Content-Length"))?;
        body.resize(len, 0);
        reader.read_exact(&mut body)?;
    }
    Ok(Some(Request {
        method,
        path,
        headers,
        body,
    }))
}

/// Answers requests on one connection until the client closes it (keep-alive).
fn serve_connection(
    stream: TcpStream,
    log: &Mutex<Vec<Seen>>,
    answer: &Answer,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(AGENT_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader)? {
        let seen = Seen {
            method: request.method.clone(),
            path: request.path.clone(),
            body: serde_json::from_slice(&request.body).unwrap_or(Value::Null),
        };
        let n = {
            let mut log = log.lock().expect("stand-in log");
            log.push(seen.clone());
            log.len() - 1
        };
        let reply = answer(&seen, n);
        let close = request
            .headers
            .get("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Cache-Control: no-cache\r\nConnection: {}\r\n\r\n",
            reply.status,
            if reply.status == 200 {
                "OK"
            } else {
                "Not Found"
            },
            reply.content_type,
            reply.body.len(),
            if close { "close" } else { "keep-alive" },
        );
        writer.write_all(head.as_bytes())?;
        if request.method != "HEAD" {
            writer.write_all(reply.body.as_bytes())?;
        }
        writer.flush()?;
        if close {
            break;
        }
    }
    Ok(())
}
