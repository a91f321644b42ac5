from bs4 import BeautifulSoup

from masterpath.web.rendering import markdown


def test_raw_html_never_becomes_elements() -> None:
    html = str(markdown('Hi <script>alert(1)</script> <img src=x onerror="alert(2)">'))
    tree = BeautifulSoup(html, "html.parser")
    assert tree.find("script") is None and tree.find("img") is None
    assert all(not tag.attrs for tag in tree.find_all(True))
    assert "&lt;script&gt;" in html


def test_javascript_links_are_dropped_and_safe_links_kept() -> None:
    html = str(markdown("[bad](javascript:alert(1)) and [good](https://docs.python.org/3/)"))
    hrefs = [a["href"] for a in BeautifulSoup(html, "html.parser").find_all("a")]
    assert hrefs == ["https://docs.python.org/3/"]
    assert (
        '<a href="https://docs.python.org/3/" rel="noopener noreferrer nofollow">good</a>' in html
    )


def test_code_and_tables_render() -> None:
    html = str(markdown("`x`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"))
    assert "<code>x</code>" in html and "<td>1</td>" in html
