//! The frame every chart shares — size, embedded font, colour-blind-safe palette, title,
//! subtitle and a legend strip below the plot — and rendering one chart to SVG and to PNG.

use super::Plot;
use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::sync::OnceLock;

pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 600;
/// The family every text uses: the embedded font for PNG and layout, the reader's sans-serif in
/// SVG (so the SVG stays self-contained).
pub const FONT: &str = "sans-serif";
const HEADER: u32 = 64;
const LEGEND_ROW: u32 = 24;

/// DejaVu Sans (Bitstream Vera licence, see assets/fonts/DejaVuSans-LICENSE.txt), so PNGs render
/// the same on a machine without fonts.
static FONT_DATA: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

// Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies.
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const SKY: RGBColor = RGBColor(86, 180, 233);
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub const GREY: RGBColor = RGBColor(128, 128, 128);
pub const INK: RGBColor = RGBColor(30, 30, 30);
pub const GRID: RGBColor = RGBColor(225, 225, 225);

/// A plot over months: real dates along x, values in `unit` up the y axis described by
/// `y_desc`, with the grid and labels every dated chart shares.
pub fn dated_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    unit: super::axis::Unit,
    y_desc: &str,
) -> Result<
    ChartContext<'a, DB, Cartesian2d<super::axis::Ticked, plotters::coord::types::RangedCoordf64>>,
>
where
    DB::ErrorType: 'static,
{
    use super::axis;
    let fmt_y = move |v: &f64| unit.tick(*v);
    let fmt_x = |v: &f64| axis::date_label(*v);
    let ticks = axis::date_ticks(x.start, x.end);
    let mut chart = ChartBuilder::on(area)
        .margin_left(10)
        .margin_right(30)
        .margin_top(20)
        .x_label_area_size(36)
        .y_label_area_size(90)
        .build_cartesian_2d(axis::Ticked::new(x, ticks), y)?;
    chart
        .configure_mesh()
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .y_labels(axis::VALUE_TICKS)
        .max_light_lines(0)
        .bold_line_style(GRID)
        .y_desc(y_desc)
        .label_style(text(16, INK))
        .axis_desc_style(text(15, INK))
        .draw()?;
    Ok(chart)
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Key {
    Band(RGBColor, f64),
    Line(RGBColor),
    Dashed(RGBColor),
    Dot(RGBColor),
    Square(RGBColor),
}

/// Title, subtitle and legend around a plot.
pub struct Frame {
    pub title: String,
    pub subtitle: String,
    pub legend: Vec<(Key, String)>,
}

fn ensure_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| plotters::style::register_font(FONT, FontStyle::Normal, FONT_DATA).is_ok());
    if ok {
        Ok(())
    } else {
        Err(anyhow!("the embedded chart font could not be read"))
    }
}

pub fn text(size: u32, color: RGBColor) -> TextStyle<'static> {
    let mut t = TextStyle::from((FONT, size).into_font());
    t.color = color.to_backend_color();
    t
}

/// Width of `s` in pixels at `size`, as the renderer lays it out.
pub fn text_width(s: &str, size: u32) -> u32 {
    use plotters::style::FontDesc;
    FontDesc::new(FontFamily::Name(FONT), size as f64, FontStyle::Normal)
        .box_size(s)
        .map_or(s.chars().count() as u32 * size * 6 / 10, |b| b.0)
}

/// The largest size up to `size` at which `s` fits in `width` pixels (long scenario names).
pub fn fit(s: &str, size: u32, width: u32) -> u32 {
    let w = text_width(s, size);
    if w <= width {
        size
    } else {
        (size * width / w).max(9)
    }
}

/// The chart as a self-contained SVG document.
pub fn svg(plot: &Plot, frame: &Frame) -> Result<String> {
    ensure_font()?;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, plot, frame)?;
        root.present()?;
    }
    Ok(s)
}

/// The chart as a PNG file's bytes.
pub fn png(plot: &Plot, frame: &Frame) -> Result<Vec<u8>> {
    ensure_font()?;
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, plot, frame)?;
        root.present()?;
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut w = enc.write_header()?;
    w.write_image_data(&rgb)?;
    w.finish()?;
    Ok(out)
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, plot: &Plot, frame: &Frame) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let rows = legend_rows(&frame.legend);
    let legend_h = rows.len() as u32 * LEGEND_ROW + 14;
    let (head, rest) = root.split_vertically(HEADER);
    let (body, foot) = rest.split_vertically(HEIGHT - HEADER - legend_h);
    let title = fit(&frame.title, 24, WIDTH - 40);
    head.draw_text(&frame.title, &text(title, INK), (20, 10))?;
    let sub = fit(&frame.subtitle, 15, WIDTH - 40);
    head.draw_text(&frame.subtitle, &text(sub, GREY), (20, 40))?;
    plot.draw(&body)?;
    for (r, row) in rows.iter().enumerate() {
        let y = r as i32 * LEGEND_ROW as i32 + 18;
        for &(x, i) in row {
            let (key, label) = &frame.legend[i];
            draw_key(&foot, *key, x, y)?;
            foot.draw_text(label, &text(15, INK), (x + 26, y - 8))?;
        }
    }
    Ok(())
}

/// Legend entries placed left to right, wrapping onto new rows: (x, entry) per row.
fn legend_rows(legend: &[(Key, String)]) -> Vec<Vec<(i32, usize)>> {
    let mut rows: Vec<Vec<(i32, usize)>> = Vec::new();
    let mut x = 90;
    for (i, (_, label)) in legend.iter().enumerate() {
        let w = 26 + text_width(label, 15) as i32 + 24;
        if rows.is_empty() || (x + w > WIDTH as i32 - 20 && x > 90) {
            rows.push(Vec::new());
            x = 90;
        }
        rows.last_mut().expect("a row").push((x, i));
        x += w;
    }
    rows
}

fn draw_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    key: Key,
    x: i32,
    y: i32,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    match key {
        Key::Band(c, a) => area.draw(&Rectangle::new(
            [(x, y - 7), (x + 20, y + 7)],
            c.mix(a).filled(),
        ))?,
        Key::Line(c) => area.draw(&PathElement::new(
            vec![(x, y), (x + 20, y)],
            c.stroke_width(3),
        ))?,
        Key::Dashed(c) => area.draw(&DashedPathElement::new(
            vec![(x, y), (x + 20, y)],
            5,
            3,
            c.stroke_width(2),
        ))?,
        Key::Dot(c) => area.draw(&Circle::new((x + 10, y), 5, c.filled()))?,
        Key::Square(c) => {
            area.draw(&Rectangle::new(
                [(x + 5, y - 5), (x + 15, y + 5)],
                c.filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x + 5, y - 5), (x + 15, y + 5)],
                INK.stroke_width(1),
            ))?
        }
    }
    Ok(())
}
