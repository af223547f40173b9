//! The parts of Google's wire formats the fake has to read: `multipart/related`
//! upload bodies, `files.list` queries (`q=`) and `fields=` selections.

/// One part of a `multipart/related` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Header names in lower case, values trimmed.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Part {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The `boundary` parameter of a `multipart/related; boundary=…` content type.
pub fn boundary(content_type: &str) -> Result<String, String> {
    let mut params = content_type.split(';');
    let media = params.next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("multipart/related") {
        return Err(format!("expected multipart/related, got '{media}'"));
    }
    for p in params {
        if let Some((k, v)) = p.split_once('=')
            && k.trim().eq_ignore_ascii_case("boundary")
        {
            let v = v.trim().trim_matches('"');
            if v.is_empty() || v.len() > 70 {
                return Err("the boundary must have 1 to 70 characters".into());
            }
            return Ok(v.to_string());
        }
    }
    Err("multipart/related without a boundary".into())
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Split a `multipart/related` body (RFC 2046): `--boundary CRLF headers CRLF
/// CRLF body CRLF --boundary … --boundary--`. A preamble before the first
/// delimiter is ignored, as the RFC says.
pub fn parse_multipart_related(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let boundary = boundary(content_type)?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut crlf_delimiter = b"\r\n".to_vec();
    crlf_delimiter.extend_from_slice(&delimiter);
    let first = if body.starts_with(&delimiter) {
        0
    } else {
        find(body, &crlf_delimiter, 0).ok_or("no boundary delimiter in the body")? + 2
    };
    let mut at = first + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body[at..].starts_with(b"--") {
            break;
        }
        // Transport padding (spaces) may follow a delimiter before its CRLF.
        while body.get(at) == Some(&b' ') || body.get(at) == Some(&b'\t') {
            at += 1;
        }
        if !body[at..].starts_with(b"\r\n") {
            return Err("a boundary delimiter must end its line".into());
        }
        at += 2;
        let end = find(body, &crlf_delimiter, at).ok_or("a part is not closed by a boundary")?;
        let part = &body[at..end];
        let (head, content) = if part.starts_with(b"\r\n") {
            (&part[..0], &part[2..])
        } else {
            let split = find(part, b"\r\n\r\n", 0).ok_or("a part's headers do not end with an empty line")?;
            (&part[..split], &part[split + 4..])
        };
        let head = std::str::from_utf8(head).map_err(|_| "part headers are not UTF-8")?;
        let mut headers = Vec::new();
        for line in head.split("\r\n").filter(|l| !l.is_empty()) {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| format!("bad part header '{line}'"))?;
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
        parts.push(Part {
            headers,
            body: content.to_vec(),
        });
        at = end + crlf_delimiter.len();
        if at > body.len() {
            return Err("truncated body".into());
        }
    }
    Ok(parts)
}

/// One condition of a `files.list` query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// `name = 'x'`
    Name(String),
    /// `'folder id' in parents`
    InParents(String),
    /// `trashed = true|false`
    Trashed(bool),
    /// `mimeType = 'x'`
    MimeType(String),
    /// `mimeType != 'x'`
    NotMimeType(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Str(String),
    Eq,
    Ne,
}

fn tokens(q: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = q.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '\'' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\\') => s.push(chars.next().ok_or("dangling escape in a string")?),
                        Some('\'') => break,
                        Some(c) => s.push(c),
                        None => return Err("unterminated string".into()),
                    }
                }
                out.push(Token::Str(s));
            }
            '=' => {
                chars.next();
                out.push(Token::Eq);
            }
            '!' => {
                chars.next();
                if chars.next() != Some('=') {
                    return Err("'!' must be followed by '='".into());
                }
                out.push(Token::Ne);
            }
            c if c.is_ascii_alphanumeric() => {
                let mut w = String::new();
                while let Some(&c) = chars.peek() {
                    if !c.is_ascii_alphanumeric() {
                        break;
                    }
                    w.push(c);
                    chars.next();
                }
                out.push(Token::Word(w));
            }
            other => return Err(format!("unexpected '{other}' in the query")),
        }
    }
    Ok(out)
}

/// Parse the subset of the Drive query language the product uses: terms
/// joined by `and`.
pub fn parse_query(q: &str) -> Result<Vec<Term>, String> {
    let tokens = tokens(q)?;
    let mut terms = Vec::new();
    for clause in tokens.split(|t| matches!(t, Token::Word(w) if w.eq_ignore_ascii_case("and"))) {
        let term = match clause {
            [Token::Word(f), Token::Eq, Token::Str(v)] if f == "name" => Term::Name(v.clone()),
            [Token::Word(f), Token::Eq, Token::Str(v)] if f == "mimeType" => Term::MimeType(v.clone()),
            [Token::Word(f), Token::Ne, Token::Str(v)] if f == "mimeType" => Term::NotMimeType(v.clone()),
            [Token::Word(f), Token::Eq, Token::Word(v)] if f == "trashed" => Term::Trashed(match v.as_str() {
                "true" => true,
                "false" => false,
                _ => return Err(format!("trashed must be true or false, got '{v}'")),
            }),
            [Token::Str(id), Token::Word(i), Token::Word(p)] if i.eq_ignore_ascii_case("in") && p == "parents" => {
                Term::InParents(id.clone())
            }
            other => return Err(format!("unsupported query clause {other:?}")),
        };
        terms.push(term);
    }
    Ok(terms)
}

/// Split a `fields=` selection at its top-level commas: `files(id,name),x` →
/// `["files(id,name)", "x"]`.
pub fn split_fields(fields: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in fields.chars() {
        match c {
            '(' => {
                depth += 1;
                current.push(c);
            }
            ')' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            ',' if depth == 0 => out.push(std::mem::take(&mut current).trim().to_string()),
            c => current.push(c),
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_related_bodies_split_into_parts() {
        let body = b"preamble\r\n--b1\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{\"name\":\"a\"}\r\n\
                     --b1\r\nContent-Type: image/jpeg\r\n\r\n\x00\x01\r\n--b\r\n\r\n--b1--\r\n";
        let parts = parse_multipart_related("multipart/related; boundary=\"b1\"", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].header("content-type"), Some("application/json; charset=UTF-8"));
        assert_eq!(parts[0].body, b"{\"name\":\"a\"}");
        // Bytes that look like a shorter delimiter stay in the body.
        assert_eq!(parts[1].body, b"\x00\x01\r\n--b\r\n");
    }

    #[test]
    fn malformed_multipart_bodies_are_refused() {
        let ct = "multipart/related; boundary=x";
        assert!(parse_multipart_related("multipart/form-data; boundary=x", b"").is_err());
        assert!(parse_multipart_related("multipart/related", b"").is_err());
        assert!(
            parse_multipart_related(ct, b"--x\r\nA: b\r\n\r\nbody").is_err(),
            "not closed"
        );
        assert!(parse_multipart_related(ct, b"no delimiter at all").is_err());
        assert!(parse_multipart_related(ct, b"--x\r\nNoColon\r\n\r\nb\r\n--x--").is_err());
        assert_eq!(parse_multipart_related(ct, b"--x--").unwrap(), vec![]);
    }

    #[test]
    fn queries_parse_into_terms_with_escapes() {
        let terms = parse_query(r"name = 'it\'s a\\b.jpg' and 'F1' in parents and trashed = false").unwrap();
        assert_eq!(
            terms,
            vec![
                Term::Name(r"it's a\b.jpg".into()),
                Term::InParents("F1".into()),
                Term::Trashed(false)
            ]
        );
        assert_eq!(
            parse_query("mimeType != 'application/vnd.google-apps.folder'").unwrap(),
            vec![Term::NotMimeType("application/vnd.google-apps.folder".into())]
        );
        assert!(parse_query("name contains 'x'").is_err());
        assert!(parse_query("name = 'x").is_err());
    }

    #[test]
    fn fields_split_at_top_level_commas() {
        assert_eq!(
            split_fields("nextPageToken, files(id,name,webViewLink)"),
            vec!["nextPageToken", "files(id,name,webViewLink)"]
        );
        assert_eq!(split_fields("id,name"), vec!["id", "name"]);
    }
}
