//! Where in a scenario file a field or a step is written, for errors RON itself cannot place: a
//! rule across fields (`name` empty, `in_use` past the list), a fixture not found when the medium
//! is built. A small scanner over RON's lexical structure (strings, raw strings, chars, comments,
//! brackets), never a second parser: it only counts brackets and commas.

/// What to find: a field of the scenario, a step, or a field inside a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Field(&'static str),
    Step(usize),
    StepField(usize, &'static str),
}

/// 1-based line and column (in characters) of `place` in `text`, if it is written there.
pub fn locate(text: &str, place: Place) -> Option<(usize, usize)> {
    let tokens = Tokens::scan(text);
    let offset = match place {
        Place::Field(name) => tokens.field(text, name, 1)?,
        Place::Step(index) => tokens.code[tokens.element(text, "steps", index)?].0,
        Place::StepField(index, name) => {
            let first = tokens.element(text, "steps", index)?;
            tokens.field_in_element(text, name, first)?
        }
    };
    Some(line_column(text, offset))
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Code characters (outside strings and comments) with their byte offsets and bracket depth.
struct Tokens {
    /// (offset, char, depth before the char)
    code: Vec<(usize, char, usize)>,
}

impl Tokens {
    fn scan(text: &str) -> Tokens {
        let mut code = Vec::new();
        let mut depth = 0usize;
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            match c {
                '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => {
                    for (_, n) in chars.by_ref() {
                        if n == '\n' {
                            break;
                        }
                    }
                }
                '/' if chars.peek().is_some_and(|&(_, n)| n == '*') => {
                    chars.next();
                    let mut nested = 1usize; // RON block comments nest
                    let mut previous = ' ';
                    for (_, n) in chars.by_ref() {
                        match (previous, n) {
                            ('*', '/') => {
                                nested -= 1;
                                previous = ' ';
                                if nested == 0 {
                                    break;
                                }
                                continue;
                            }
                            ('/', '*') => {
                                nested += 1;
                                previous = ' ';
                                continue;
                            }
                            _ => previous = n,
                        }
                    }
                }
                '"' => {
                    code.push((at, c, depth));
                    skip_string(&mut chars);
                }
                'r' if chars.peek().is_some_and(|&(_, n)| n == '#' || n == '"') => {
                    code.push((at, c, depth));
                    let mut hashes = 0usize;
                    while chars.next_if(|&(_, n)| n == '#').is_some() {
                        hashes += 1;
                    }
                    if chars.next_if(|&(_, n)| n == '"').is_some() {
                        skip_raw_string(&mut chars, hashes);
                    }
                }
                '\'' => {
                    // A char literal: 'x' or '\n'.
                    code.push((at, c, depth));
                    chars.next_if(|&(_, n)| n == '\\');
                    chars.next();
                    chars.next_if(|&(_, n)| n == '\'');
                }
                '(' | '[' | '{' => {
                    code.push((at, c, depth));
                    depth += 1;
                }
                ')' | ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    code.push((at, c, depth));
                }
                _ => code.push((at, c, depth)),
            }
        }
        Tokens { code }
    }

    /// Offset of `name:` written at `depth`, the first one.
    fn field(&self, text: &str, name: &str, depth: usize) -> Option<usize> {
        self.code
            .iter()
            .position(|&(at, _, d)| d == depth && is_field_at(text, at, name))
            .map(|i| self.code[i].0)
    }

    /// Offset of the first `name:` inside the list element whose first token is `code[first]`.
    fn field_in_element(&self, text: &str, name: &str, first: usize) -> Option<usize> {
        let depth = self.code[first].2;
        self.code[first..]
            .iter()
            .take_while(|&&(_, c, d)| d > depth || (d == depth && c != ',' && c != ']'))
            .find(|&&(at, _, _)| is_field_at(text, at, name))
            .map(|&(at, _, _)| at)
    }

    /// Index in `code` of the first token of element `index` (0-based) of the list written as
    /// field `list` of the scenario.
    fn element(&self, text: &str, list: &str, index: usize) -> Option<usize> {
        let field = self.field(text, list, 1)?;
        let open = self.code.iter().position(|&(at, c, _)| at > field && c == '[')?;
        let depth = self.code[open].2 + 1;
        let mut seen = 0usize;
        let mut expecting = true;
        for (i, &(_, c, d)) in self.code.iter().enumerate().skip(open + 1) {
            if d < depth {
                break; // the closing bracket
            }
            if d == depth && c == ',' {
                expecting = true;
                continue;
            }
            if expecting && !c.is_whitespace() {
                if seen == index {
                    return Some(i);
                }
                seen += 1;
                expecting = false;
            }
        }
        None
    }
}

/// `name` starts at `at` as a whole identifier followed by `:`.
fn is_field_at(text: &str, at: usize, name: &str) -> bool {
    let rest = &text[at..];
    let before = text[..at].chars().next_back();
    rest.starts_with(name)
        && !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
        && rest[name.len()..].trim_start().starts_with(':')
}

fn skip_string(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) {
    while let Some((_, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return,
            _ => {}
        }
    }
}

fn skip_raw_string(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, hashes: usize) {
    while let Some((_, c)) = chars.next() {
        if c == '"' {
            let mut closing = 0usize;
            while closing < hashes && chars.next_if(|&(_, n)| n == '#').is_some() {
                closing += 1;
            }
            if closing == hashes {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r##"#![enable(implicit_some)]
// name: "not this one", steps: [
Scenario(
    name: "a ( tricky [ name, \" ",
    medium: Image("x.bbm"),
    steps: [
        Mmc(cdb: "00 00 00 00 00 00"), /* a, b, ( */
        Image(op: MultisessionInterfaces(list: r#"[1, 2]"#, in_use: [3])),
        'x',
    ],
)
"##;

    #[test]
    fn fields_are_found_at_the_top_level_only() {
        assert_eq!(locate(TEXT, Place::Field("name")), Some((4, 5)));
        assert_eq!(locate(TEXT, Place::Field("medium")), Some((5, 5)));
        assert_eq!(locate(TEXT, Place::Field("drive")), None);
    }

    #[test]
    fn steps_are_counted_past_strings_comments_and_nesting() {
        assert_eq!(locate(TEXT, Place::Step(0)), Some((7, 9)));
        assert_eq!(locate(TEXT, Place::Step(1)), Some((8, 9)));
        assert_eq!(locate(TEXT, Place::Step(2)), Some((9, 9)));
        assert_eq!(locate(TEXT, Place::Step(3)), None);
    }

    #[test]
    fn a_field_inside_a_step_is_found() {
        assert_eq!(locate(TEXT, Place::StepField(1, "in_use")), Some((8, 61)));
        assert_eq!(locate(TEXT, Place::StepField(0, "in_use")), None);
    }
}
