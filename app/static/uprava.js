/* Russian date picker: dates are typed and shown as ДД.ММ.ГГГГ (bundled bootstrap-datepicker). */
(function ($) {
  if (!$ || !$.fn.datepicker) { return; }
  $.fn.datepicker.dates.ru = {
    days: ["Воскресенье", "Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота"],
    daysShort: ["Вск", "Пнд", "Втр", "Срд", "Чтв", "Птн", "Сбт"],
    daysMin: ["Вс", "Пн", "Вт", "Ср", "Чт", "Пт", "Сб"],
    months: ["Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август",
             "Сентябрь", "Октябрь", "Ноябрь", "Декабрь"],
    monthsShort: ["Янв", "Фев", "Мар", "Апр", "Май", "Июн", "Июл", "Авг", "Сен", "Окт", "Ноя", "Дек"],
    today: "Сегодня",
    clear: "Очистить",
    format: "dd.mm.yyyy",
    weekStart: 1,
    monthsTitle: "Месяцы"
  };
  var options = { language: "ru", format: "dd.mm.yyyy", weekStart: 1, autoclose: true,
                  todayHighlight: true, forceParse: false };
  function attach(root) {
    $(root).find(".uprava_date input").each(function () {
      if (!$(this).data("datepicker")) { $(this).datepicker(options); }
    });
  }
  $(function () { attach(document); });
  // Filter rows are added on the fly by ab_filters.js: attach on first focus.
  $(document).on("focus", ".uprava_date input", function () { attach($(this).parent().parent()); });
}(window.jQuery));

/* Drop-downs of big related tables (app/core/related.py): rows are looked up as the user types,
   from the same origin. Filter rows are added on the fly by ab_filters.js: attached after a click. */
(function ($) {
  if (!$ || !$.fn.select2) { return; }
  function attach(root) {
    $(root).find("select.uprava-ajax-select").each(function () {
      var $select = $(this);
      if ($select.data("select2")) { return; }
      // A choice that depends on other fields of its form (an executor on the responsible body):
      // the lookup gets their current values, and changing one of them clears the choice.
      var depends = ($select.data("depends") || "").split(" ").filter(Boolean);
      var minimum = $select.data("minimumInput");
      $select.select2({
        theme: "bootstrap", allowClear: true, placeholder: "", width: "100%",
        minimumInputLength: minimum === undefined ? 2 : minimum,
        ajax: {
          url: $select.data("url"), dataType: "json", delay: 250,
          data: function (params) {
            var args = { q: params.term || "" };
            depends.forEach(function (name) { args["dep_" + name] = $("#" + name).val() || ""; });
            return args;
          },
          processResults: function (data) { return { results: data.result }; }
        }
      });
      depends.forEach(function (name) {
        $("#" + name).on("change", function () { $select.val(null).trigger("change"); });
      });
    });
  }
  $(function () { attach(document); });
  $(document).on("click", "a.filter", function () { attach(document); });
}(window.jQuery));

/* Fields that apply only to some values of another field (UpravaModelView.shown_when): a ПОС number only
   for the ПОС channel, the number of signatories only for a collective appeal. Hidden fields are emptied:
   what does not apply is not saved. */
(function ($) {
  if (!$) { return; }
  $(function () {
    var $rules = $("#uprava-shown-when");
    if (!$rules.length) { return; }
    var rules = $rules.data("rules") || {};
    Object.keys(rules).forEach(function (name) {
      var control = rules[name][0], values = rules[name][1];
      var $field = $("#" + name), $control = $("#" + control);
      if (!$field.length || !$control.length) { return; }
      var $row = $field.closest("tr, .form-group");
      function apply(initial) {
        // A value already stored stays in sight (an edited record), whatever the control says.
        var shown = values.indexOf(String($control.val() || "")) !== -1 || (initial && !!$field.val());
        $row.toggle(shown);
        if (!shown && !initial) {
          if ($field.is("select")) { $field.val(null).trigger("change"); } else { $field.val(""); }
        }
      }
      $control.on("change", function () { apply(false); });
      apply(true);
    });
  });
}(window.jQuery));
