// The two themes (gui_theme.h): dark, the default, and light with high contrast for projectors.
#include "gui_theme.h"

const Theme kThemeDark = {
    "dark",
    /*text*/ ImVec4(0.90f, 0.92f, 0.95f, 1.00f),
    /*text_disabled*/ ImVec4(0.52f, 0.56f, 0.62f, 1.00f),
    /*window_bg*/ ImVec4(0.082f, 0.090f, 0.106f, 1.00f),
    /*child_bg*/ ImVec4(0.105f, 0.115f, 0.135f, 1.00f),
    /*popup_bg*/ ImVec4(0.11f, 0.12f, 0.14f, 0.98f),
    /*border*/ ImVec4(0.20f, 0.22f, 0.26f, 1.00f),
    /*frame_bg*/ ImVec4(0.16f, 0.175f, 0.205f, 1.00f),
    /*frame_hovered*/ ImVec4(0.21f, 0.23f, 0.27f, 1.00f),
    /*frame_active*/ ImVec4(0.25f, 0.28f, 0.34f, 1.00f),
    /*accent*/ ImVec4(0.36f, 0.55f, 0.98f, 1.00f),
    /*button*/ ImVec4(0.19f, 0.21f, 0.25f, 1.00f),
    /*button_hovered*/ ImVec4(0.26f, 0.30f, 0.38f, 1.00f),
    /*button_active*/ ImVec4(0.30f, 0.40f, 0.62f, 1.00f),
    /*header*/ ImVec4(0.17f, 0.19f, 0.23f, 1.00f),
    /*header_hovered*/ ImVec4(0.22f, 0.25f, 0.31f, 1.00f),
    /*header_active*/ ImVec4(0.26f, 0.31f, 0.42f, 1.00f),
    /*centre_bg*/ {0.082f, 0.090f, 0.106f},
    /*left_column_bg*/ {0.098f, 0.107f, 0.126f},
    /*map_background*/ IM_COL32(13, 15, 19, 255),
    /*map_border*/ IM_COL32(255, 255, 255, 22),
    /*map_border_hovered*/ IM_COL32(255, 255, 255, 40),
    /*grid_minor*/ IM_COL32(255, 255, 255, 14),
    /*grid_axis*/ IM_COL32(255, 255, 255, 48),
    /*tick_text*/ IM_COL32(150, 158, 172, 200),
    /*axis_name*/ IM_COL32(200, 206, 218, 220),
    /*caption*/ IM_COL32(150, 158, 172, 255),
    /*strong_text*/ IM_COL32(225, 230, 238, 255),
    /*overlay_line*/ IM_COL32(255, 255, 255, 255),
    /*overlay_shadow*/ IM_COL32(0, 0, 0, 200),
    /*series_total*/ IM_COL32(235, 238, 244, 255),
    /*series_recon*/ IM_COL32(78, 154, 232, 255),
    /*series_penalty*/ IM_COL32(245, 133, 24, 255),
    /*series_heldout*/ IM_COL32(200, 205, 215, 255),
    /*series_critic*/ IM_COL32(196, 120, 232, 255),
    /*error_text*/ ImVec4(1.0f, 0.45f, 0.42f, 1.0f),
    /*warn_text*/ ImVec4(0.98f, 0.80f, 0.35f, 1.0f),
    /*good_text*/ ImVec4(0.45f, 0.85f, 0.50f, 1.0f),
};

// Near-black on near-white: projectors wash out mid-greys, so "disabled" text stays dark enough to read.
const Theme kThemeLight = {
    "light",
    /*text*/ ImVec4(0.02f, 0.03f, 0.05f, 1.00f),
    /*text_disabled*/ ImVec4(0.25f, 0.27f, 0.31f, 1.00f),
    /*window_bg*/ ImVec4(0.99f, 0.99f, 0.99f, 1.00f),
    /*child_bg*/ ImVec4(0.96f, 0.96f, 0.97f, 1.00f),
    /*popup_bg*/ ImVec4(1.00f, 1.00f, 1.00f, 0.99f),
    /*border*/ ImVec4(0.35f, 0.37f, 0.42f, 1.00f),
    /*frame_bg*/ ImVec4(0.86f, 0.87f, 0.90f, 1.00f),
    /*frame_hovered*/ ImVec4(0.78f, 0.81f, 0.88f, 1.00f),
    /*frame_active*/ ImVec4(0.70f, 0.75f, 0.86f, 1.00f),
    /*accent*/ ImVec4(0.05f, 0.28f, 0.80f, 1.00f),
    /*button*/ ImVec4(0.82f, 0.84f, 0.88f, 1.00f),
    /*button_hovered*/ ImVec4(0.72f, 0.77f, 0.88f, 1.00f),
    /*button_active*/ ImVec4(0.60f, 0.68f, 0.88f, 1.00f),
    /*header*/ ImVec4(0.85f, 0.87f, 0.91f, 1.00f),
    /*header_hovered*/ ImVec4(0.76f, 0.80f, 0.89f, 1.00f),
    /*header_active*/ ImVec4(0.68f, 0.74f, 0.88f, 1.00f),
    /*centre_bg*/ {0.99f, 0.99f, 0.99f},
    /*left_column_bg*/ {0.94f, 0.945f, 0.955f},
    /*map_background*/ IM_COL32(255, 255, 255, 255),
    /*map_border*/ IM_COL32(0, 0, 0, 90),
    /*map_border_hovered*/ IM_COL32(0, 0, 0, 160),
    /*grid_minor*/ IM_COL32(0, 0, 0, 22),
    /*grid_axis*/ IM_COL32(0, 0, 0, 90),
    /*tick_text*/ IM_COL32(40, 44, 52, 255),
    /*axis_name*/ IM_COL32(0, 0, 0, 255),
    /*caption*/ IM_COL32(30, 34, 42, 255),
    /*strong_text*/ IM_COL32(0, 0, 0, 255),
    /*overlay_line*/ IM_COL32(0, 0, 0, 255),
    /*overlay_shadow*/ IM_COL32(255, 255, 255, 210),
    /*series_total*/ IM_COL32(0, 0, 0, 255),
    /*series_recon*/ IM_COL32(20, 90, 200, 255),
    /*series_penalty*/ IM_COL32(210, 90, 0, 255),
    /*series_heldout*/ IM_COL32(60, 64, 72, 255),
    /*series_critic*/ IM_COL32(130, 50, 170, 255),
    /*error_text*/ ImVec4(0.75f, 0.05f, 0.05f, 1.0f),
    /*warn_text*/ ImVec4(0.55f, 0.35f, 0.00f, 1.0f),
    /*good_text*/ ImVec4(0.05f, 0.45f, 0.12f, 1.0f),
};

void theme_apply_style(const Theme& theme, float scale) {
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();  // sizes from scratch: ScaleAllSizes multiplies what is there
  ImGui::StyleColorsDark(&style);
  style.WindowPadding = ImVec2(12, 10);
  style.FramePadding = ImVec2(8, 4);
  style.ItemSpacing = ImVec2(8, 6);
  style.ItemInnerSpacing = ImVec2(6, 4);
  style.IndentSpacing = 14;
  style.ScrollbarSize = 12;
  style.GrabMinSize = 10;
  style.WindowRounding = 0;
  style.ChildRounding = 6;
  style.FrameRounding = 4;
  style.PopupRounding = 6;
  style.GrabRounding = 4;
  style.ScrollbarRounding = 6;
  style.TabRounding = 4;
  style.WindowBorderSize = 0;
  style.ChildBorderSize = 1;
  style.FrameBorderSize = 0;
  style.ScaleAllSizes(scale);

  ImVec4* c = style.Colors;
  c[ImGuiCol_Text] = theme.text;
  c[ImGuiCol_TextDisabled] = theme.text_disabled;
  c[ImGuiCol_WindowBg] = theme.window_bg;
  c[ImGuiCol_ChildBg] = theme.child_bg;
  c[ImGuiCol_PopupBg] = theme.popup_bg;
  c[ImGuiCol_Border] = theme.border;
  c[ImGuiCol_FrameBg] = theme.frame_bg;
  c[ImGuiCol_FrameBgHovered] = theme.frame_hovered;
  c[ImGuiCol_FrameBgActive] = theme.frame_active;
  c[ImGuiCol_TitleBg] = theme.window_bg;
  c[ImGuiCol_TitleBgActive] = theme.window_bg;
  c[ImGuiCol_MenuBarBg] = theme.header;  // the menu bar: a band of the theme, light on the light one
  c[ImGuiCol_CheckMark] = theme.accent;
  c[ImGuiCol_SliderGrab] = ImVec4(theme.accent.x, theme.accent.y, theme.accent.z, 0.85f);
  c[ImGuiCol_SliderGrabActive] = theme.accent;
  c[ImGuiCol_Button] = theme.button;
  c[ImGuiCol_ButtonHovered] = theme.button_hovered;
  c[ImGuiCol_ButtonActive] = theme.button_active;
  c[ImGuiCol_Header] = theme.header;
  c[ImGuiCol_HeaderHovered] = theme.header_hovered;
  c[ImGuiCol_HeaderActive] = theme.header_active;
  c[ImGuiCol_Separator] = theme.border;
  c[ImGuiCol_Tab] = theme.header;
  c[ImGuiCol_TabHovered] = theme.header_hovered;
  c[ImGuiCol_TabActive] = theme.header_active;
  c[ImGuiCol_PlotLines] = theme.accent;
  c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_ModalWindowDimBg] = ImVec4(0.0f, 0.0f, 0.0f, 0.55f);
}
