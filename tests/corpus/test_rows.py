"""Tables as readable rows (corpus.readers.rows), from grids of cells built by hand."""

from __future__ import annotations

from corpus.readers.rows import Cell, table_text


def _grid(*rows: tuple[str, ...]) -> list[list[Cell]]:
    return [[Cell(text, i) for i, text in enumerate(row)] for row in rows]


def test_header_row_names_each_value_and_empty_values_are_left_out() -> None:
    table = table_text(_grid(("序号", "部门", "备注"), ("1", "市财政局", ""), ("2", "市审计局", "外勤多")))
    assert table.rows == ("序号: 1; 部门: 市财政局", "序号: 2; 部门: 市审计局; 备注: 外勤多")
    assert table.lines == table.rows


def test_a_first_row_with_numbers_is_data_not_a_header() -> None:
    table = table_text(_grid(("1", "北京师范大学", "汉语言文学"), ("2", "华东师范大学", "英语")))
    assert table.rows == ("1; 北京师范大学; 汉语言文学", "2; 华东师范大学; 英语")


def test_two_column_table_without_a_marked_header_is_a_form() -> None:
    table = table_text(_grid(("办理地点", "市政大楼一楼"), ("办理时间", "工作日9:00-17:00")))
    assert table.rows == ("办理地点: 市政大楼一楼", "办理时间: 工作日9:00-17:00")


def test_one_column_table_is_paragraphs() -> None:
    table = table_text(_grid(("房委會評估市值：每平方呎14,000元",), ("現有機制：每平方呎9,800元",)), header_rows=1)
    assert table.lines == ("房委會評估市值：每平方呎14,000元", "現有機制：每平方呎9,800元") and table.rows == ()


def test_a_cell_spanning_columns_is_written_once() -> None:
    grid = [[Cell("地区", 0), Cell("人数", 1), Cell("备注", 2)], [Cell("市南区", 0), Cell("暂无数据", 1, span=2)]]
    assert table_text(grid).rows == ("地区: 市南区; 人数/备注: 暂无数据",)
