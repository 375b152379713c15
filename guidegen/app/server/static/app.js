// Optional: switching the integration type reloads the form at once (without JavaScript the
// "Switch" button next to the list does the same).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
});
