// The legal clocks of a page (还剩 3小时20分 / 已超期 2天) keep counting on the reader's screen:
// each .clock[data-due] is redrawn every 30 seconds, in the same words and classes as the server
// (core/templatetags/display.py: span, time_left, clock_class). The time is the server's moment
// of drawing (data-now) plus the time the clock has been on the page (a clock swapped in later
// by htmx, as the 大屏's board is every minute, counts from its own arrival), so a wrong clock on
// the reader's computer does not move the count.
(function () {
  "use strict";
  var MINUTE = 60 * 1000;

  function span(ms) {
    var minutes = Math.floor(ms / MINUTE);
    var days = Math.floor(minutes / (24 * 60));
    var rest = minutes - days * 24 * 60;
    var hours = Math.floor(rest / 60);
    var mins = rest - hours * 60;
    if (days) return hours ? days + "天" + hours + "小时" : days + "天";
    if (hours) return mins ? hours + "小时" + mins + "分" : hours + "小时";
    return mins + "分钟";
  }

  function redraw() {
    var clocks = document.querySelectorAll(".clock[data-due][data-now]");
    for (var i = 0; i < clocks.length; i++) {
      var el = clocks[i];
      var due = Date.parse(el.getAttribute("data-due"));
      var drawn = Date.parse(el.getAttribute("data-now"));
      if (isNaN(due) || isNaN(drawn)) continue;
      var seen = Number(el.getAttribute("data-seen"));
      if (!seen) { seen = Date.now(); el.setAttribute("data-seen", String(seen)); }
      var left = due - (drawn + (Date.now() - seen));
      el.textContent = left >= 0 ? "还剩 " + span(left) : "已超期 " + span(-left);
      el.classList.remove("clock-over", "clock-soon", "clock-ok");
      el.classList.add(left < 0 ? "clock-over" : left <= 24 * 60 * MINUTE ? "clock-soon" : "clock-ok");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    redraw();
    window.setInterval(redraw, 30 * 1000);
  });
  document.addEventListener("htmx:afterSettle", redraw);
})();
