// Show every time in the reader's own zone as well. The page is complete without this script:
// each <time> already names its zone. Where the reader's zone is not the site's, the text is
// rewritten ("20 Nov 2026, 09:50 EST") and the site's version stays in the title.
(function () {
  "use strict";
  var site = document.documentElement.getAttribute("data-zone");
  var reader;
  try {
    reader = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!site || !reader || site === reader) {
    return;
  }
  var format = new Intl.DateTimeFormat("en-GB", {
    day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23"
  });
  // American English knows the most zone abbreviations (EST, PST); others read "GMT+1".
  var zone = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" });
  var times = document.querySelectorAll("time[datetime]");
  for (var i = 0; i < times.length; i++) {
    var element = times[i];
    var moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime())) {
      continue;
    }
    var part = {};
    format.formatToParts(moment).forEach(function (p) { part[p.type] = p.value; });
    zone.formatToParts(moment).forEach(function (p) {
      if (p.type === "timeZoneName") { part.timeZoneName = p.value; }
    });
    element.title = element.textContent + " (" + site + ")";
    element.textContent = part.day + " " + part.month + " " + part.year + ", " +
      part.hour + ":" + part.minute + " " + part.timeZoneName;
  }
})();
